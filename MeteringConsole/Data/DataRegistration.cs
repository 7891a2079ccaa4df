using MeteringConsole.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace MeteringConsole.Data;

public static class DataRegistration
{
    public static IHostApplicationBuilder AddData(this IHostApplicationBuilder builder)
    {
        var options = Resolve(builder.Configuration["Database:Provider"], builder.Configuration.GetConnectionString("Default"), builder.Environment.ContentRootPath);
        // A factory registration, so the container disposes it (and PostgreSQL's pool) with the host.
        builder.Services.AddSingleton(_ => options);
        builder.Services.AddSingleton(BillingSettings.From(builder.Configuration));
        builder.Services.AddClock(builder.Configuration);
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<CurrentActor>();
        builder.Services.AddSingleton<DatabaseWriteGate>();
        builder.Services.AddSingleton<WriteGateInterceptor>();
        // Scoped factory: Blazor circuits live long, so services create a short-lived context per
        // operation, and each context's audit interceptor sees the scope's actor.
        builder.Services.AddDbContextFactory<AppDbContext, ProviderDbContextFactory>((sp, o) =>
        {
            if (options.IsPostgreSql) o.UseNpgsql(options.NpgsqlDataSource);
            else o.UseSqlite(options.ConnectionString).AddInterceptors(SqlitePragmaInterceptor.Instance);
            o.AddInterceptors(sp.GetRequiredService<WriteGateInterceptor>(), new AuditInterceptor(sp.GetRequiredService<CurrentActor>(), sp.GetRequiredService<TimeProvider>()));
        }, ServiceLifetime.Scoped);
        builder.Services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext());
        builder.Services.AddScoped<DatabaseInitializer>();
        return builder;
    }

    public static DatabaseOptions Resolve(string? connectionString, string contentRoot) => Resolve(null, connectionString, contentRoot);

    public static DatabaseOptions Resolve(string? provider, string? connectionString, string contentRoot)
    {
        var kind = DatabaseOptions.ParseProvider(provider);
        if (kind == DatabaseProvider.PostgreSql)
        {
            if (string.IsNullOrWhiteSpace(connectionString))
                throw new InvalidOperationException("Database:Provider is postgresql: set ConnectionStrings:Default (e.g. Host=127.0.0.1;Port=5432;Database=metering;Username=metering;Password=…).");
            return new DatabaseOptions(kind, connectionString);
        }
        var csb = new SqliteConnectionStringBuilder(string.IsNullOrWhiteSpace(connectionString) ? "Data Source=app.db" : connectionString);
        if (csb.DataSource != ":memory:" && !Path.IsPathRooted(csb.DataSource))
            csb.DataSource = Path.GetFullPath(Path.Combine(contentRoot, csb.DataSource));
        csb.DefaultTimeout = SqliteSetup.BusyTimeoutMs / 1000;
        return new DatabaseOptions(csb.ToString());
    }
}

/// <summary>
/// Creates the context of the configured provider. PostgreSQL gets <see cref="PostgreSqlAppDbContext"/>,
/// the same model with its own migrations; services only ever see <see cref="AppDbContext"/>.
/// </summary>
public sealed class ProviderDbContextFactory(DbContextOptions<AppDbContext> options, DatabaseOptions database) : IDbContextFactory<AppDbContext>
{
    public AppDbContext CreateDbContext() => database.IsPostgreSql ? new PostgreSqlAppDbContext(options) : new AppDbContext(options);
}
