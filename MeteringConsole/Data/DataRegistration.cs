using MeteringConsole.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace MeteringConsole.Data;

/// <summary>The resolved SQLite connection string (relative paths resolved against the content root).</summary>
public sealed record DatabaseOptions(string ConnectionString)
{
    public string DataSource => new SqliteConnectionStringBuilder(ConnectionString).DataSource;
}

public static class DataRegistration
{
    public static IHostApplicationBuilder AddData(this IHostApplicationBuilder builder)
    {
        var options = Resolve(builder.Configuration.GetConnectionString("Default"), builder.Environment.ContentRootPath);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(BillingSettings.From(builder.Configuration));
        builder.Services.AddClock(builder.Configuration);
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<CurrentActor>();
        builder.Services.AddSingleton<DatabaseWriteGate>();
        builder.Services.AddSingleton<WriteGateInterceptor>();
        // Scoped factory: Blazor circuits live long, so services create a short-lived context per
        // operation, and each context's audit interceptor sees the scope's actor.
        builder.Services.AddDbContextFactory<AppDbContext>((sp, o) => o
            .UseSqlite(options.ConnectionString)
            .AddInterceptors(SqlitePragmaInterceptor.Instance, sp.GetRequiredService<WriteGateInterceptor>(), new AuditInterceptor(sp.GetRequiredService<CurrentActor>(), sp.GetRequiredService<TimeProvider>())),
            ServiceLifetime.Scoped);
        builder.Services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext());
        builder.Services.AddScoped<DatabaseInitializer>();
        return builder;
    }

    public static DatabaseOptions Resolve(string? connectionString, string contentRoot)
    {
        var csb = new SqliteConnectionStringBuilder(string.IsNullOrWhiteSpace(connectionString) ? "Data Source=app.db" : connectionString);
        if (csb.DataSource != ":memory:" && !Path.IsPathRooted(csb.DataSource))
            csb.DataSource = Path.GetFullPath(Path.Combine(contentRoot, csb.DataSource));
        csb.DefaultTimeout = SqliteSetup.BusyTimeoutMs / 1000;
        return new DatabaseOptions(csb.ToString());
    }
}
