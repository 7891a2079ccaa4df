using System.Xml.Linq;
using MeteringConsole.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MeteringConsole.Features.Account;

/// <summary>
/// On PostgreSQL, Data Protection's keys (which sign the sign-in cookie and antiforgery tokens) live
/// in the database under one application name, so a cookie issued by one console is accepted by every
/// other console on that database. On SQLite (one console) the keys stay where ASP.NET Core keeps them
/// by default, the user profile's key folder, so upgrading signs nobody out.
/// </summary>
public static class SharedKeyRing
{
    /// <summary>The same on every console: by default the name is the content root, which differs between machines.</summary>
    public const string ApplicationName = "MeteringConsole";

    public static IServiceCollection AddSharedKeyRing(this IServiceCollection services)
    {
        services.AddDataProtection();
        services.AddSingleton<DatabaseKeyRing>();
        services.AddOptions<KeyManagementOptions>().Configure<DatabaseOptions, IServiceProvider>((o, database, sp) =>
        {
            if (database.IsPostgreSql) o.XmlRepository = sp.GetRequiredService<DatabaseKeyRing>();
        });
        services.AddOptions<DataProtectionOptions>().Configure<DatabaseOptions>((o, database) =>
        {
            if (database.IsPostgreSql) o.ApplicationDiscriminator = ApplicationName;
        });
        // First of all hosted services: ASP.NET Core's own DataProtectionHostedService also loads the
        // key ring at start (creating a key when there is none), and must find the key this one made.
        services.Insert(0, ServiceDescriptor.Singleton<IHostedService, KeyRingWarmUp>());
        return services;
    }
}

/// <summary>
/// The key ring as rows of data_protection_keys, read and written through EF Core. Not
/// <c>PersistKeysToDbContext</c>: its repository saves synchronously, which the audit interceptor
/// refuses (it resolves the actor asynchronously); a key is not audited.
/// </summary>
public sealed class DatabaseKeyRing(IServiceProvider services) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return db.DataProtectionKeys.AsNoTracking().OrderBy(k => k.Id).Select(k => k.Xml).AsEnumerable()
            .Where(xml => !string.IsNullOrEmpty(xml)).Select(xml => XElement.Parse(xml!)).ToList();
    }

    /// <summary>Data Protection asks synchronously (rarely: a new key every 90 days); ASP.NET Core has no synchronization context to deadlock on.</summary>
    public void StoreElement(XElement element, string friendlyName)
    {
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        db.DataProtectionKeys.Add(new DataProtectionKey { FriendlyName = friendlyName, Xml = element.ToString(SaveOptions.DisableFormatting) });
        db.SaveChangesAsync().GetAwaiter().GetResult();
    }
}

/// <summary>
/// Loads (and, on an empty key ring, creates) the key at start, one console at a time: consoles
/// starting together would otherwise each create a key of their own before seeing the other's.
/// </summary>
public sealed class KeyRingWarmUp(DatabaseOptions database, IDataProtectionProvider protection) : IHostedService
{
    /// <summary>Any number, as long as nothing else in the database takes this advisory lock.</summary>
    private const long KeyRingLock = 0x4D43_4450; // "MCDP"

    public async Task StartAsync(CancellationToken ct)
    {
        if (!database.IsPostgreSql) return;
        await using var turn = await SessionAdvisoryLock.AcquireAsync(database, KeyRingLock, ct);
        protection.CreateProtector(nameof(KeyRingWarmUp)).Protect([1]);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
