using MeteringConsole.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MeteringConsole.Data.Configurations;

public class BillingPeriodConfiguration : IEntityTypeConfiguration<BillingPeriod>
{
    public void Configure(EntityTypeBuilder<BillingPeriod> b)
    {
        b.ToTable("billing_periods");
        b.HasKey(x => x.PeriodStart);
        b.Property(x => x.FinalizedBy).HasMaxLength(200);
    }
}
