using MeteringConsole.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MeteringConsole.Data.Configurations;

public class ClientConfiguration : IEntityTypeConfiguration<Client>
{
    public void Configure(EntityTypeBuilder<Client> b)
    {
        b.ToTable("clients");
        b.Property(x => x.Name).HasMaxLength(200).UseCollation(SqliteCollation.NoCase);
        b.HasIndex(x => x.Name).IsUnique();
        b.Property(x => x.AlertEmails).HasMaxLength(2000);
    }
}
