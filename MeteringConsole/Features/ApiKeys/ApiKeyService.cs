using System.Security.Cryptography;
using System.Text;
using MeteringConsole.Common;
using MeteringConsole.Data;
using MeteringConsole.Domain;
using Microsoft.EntityFrameworkCore;

namespace MeteringConsole.Features.ApiKeys;

public sealed record ApiKeyRow(int Id, string Name, ApiKeyRole Role, int? ClientId, string? ClientName, string Prefix,
    bool Enabled, DateTime CreatedAt, DateTime? LastUsedAt);

public sealed record ApiKeyInput(string Name, ApiKeyRole Role, int? ClientId);

/// <summary>The key as it is shown once, at creation.</summary>
public sealed record CreatedApiKey(ApiKeyRow Key, string Secret);

/// <summary>Creates, lists, disables and validates API keys. Only a SHA-256 of the secret is stored.</summary>
public sealed class ApiKeyService
{
    private const string SecretPrefix = "mck_";
    private const int LookupLength = 8;

    private readonly IDbContextFactory<AppDbContext> _dbs;

    private readonly TimeProvider _clock;
    private readonly CurrentActor _actor;
    private readonly ApiKeyUsageRecorder _usage;

    public ApiKeyService(IDbContextFactory<AppDbContext> dbs, CurrentActor actor, ApiKeyUsageRecorder usage, TimeProvider clock)
    {
        _usage = usage;

        _clock = clock;
        _dbs = dbs;
        _actor = actor;
    }

    public async Task<Page<ApiKeyRow>> ListAsync(PageRequest page, string? search = null)
    {
        await _actor.RequireAsync(Permission.Admin);
        await using var db = await _dbs.CreateDbContextAsync();
        var query = db.ApiKeys.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(search))
            query = query.WhereContains(db.Database, search, k => k.Name);
        var total = await query.CountAsync();
        var rows = await Sorts.Apply(query, page.OrderBy).Page(page)
            .Select(k => new ApiKeyRow(k.Id, k.Name, k.Role, k.ClientId, k.Client != null ? k.Client.Name : null, k.Prefix,
                k.Enabled, k.CreatedAt, k.LastUsedAt))
            .ToListAsync();
        // Uses not flushed yet are shown as they happened.
        rows = rows.Select(r => _usage.Unwritten(r.Id) is DateTime used && (r.LastUsedAt is null || used > r.LastUsedAt) ? r with { LastUsedAt = used } : r).ToList();
        return new Page<ApiKeyRow>(rows, total);
    }

    public async Task<CreatedApiKey> CreateAsync(ApiKeyInput input)
    {
        await _actor.RequireAsync(Permission.Admin);
        await using var db = await _dbs.CreateDbContextAsync();
        var v = new Validator().Required(input.Name, "name", 200)
            .Check(Enum.IsDefined(input.Role), "role", "Role must be Admin, Ingest or ReadOnly.");
        if (input.ClientId is int clientId)
            v.Check(await db.Clients.AnyAsync(c => c.Id == clientId), "client_id", $"Client {clientId} does not exist.");
        v.ThrowIfInvalid();

        var secret = NewSecret();
        var key = new ApiKey
        {
            Name = input.Name.Trim(), Role = input.Role, ClientId = input.ClientId,
            Prefix = secret.Substring(SecretPrefix.Length, LookupLength), SecretHash = Hash(secret),
            Enabled = true, CreatedAt = _clock.GetUtcNow().UtcDateTime,
        };
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync();
        var clientName = key.ClientId is null ? null : await db.Clients.Where(c => c.Id == key.ClientId).Select(c => c.Name).FirstAsync();
        return new CreatedApiKey(new ApiKeyRow(key.Id, key.Name, key.Role, key.ClientId, clientName, key.Prefix, true, key.CreatedAt, null), secret);
    }

    public async Task SetEnabledAsync(int id, bool enabled)
    {
        await _actor.RequireAsync(Permission.Admin);
        await using var db = await _dbs.CreateDbContextAsync();
        var key = await db.ApiKeys.FindAsync(id) ?? throw new NotFoundException("API key", id);
        key.Enabled = enabled;
        await db.SaveChangesAsync();
    }

    /// <summary>The enabled key matching the secret, or null. Marks it used (<see cref="ApiKeyUsageRecorder"/>).</summary>
    public async Task<ApiKey?> ValidateAsync(string secret)
    {
        if (!secret.StartsWith(SecretPrefix, StringComparison.Ordinal) || secret.Length < SecretPrefix.Length + LookupLength + 16)
            return null;
        var prefix = secret.Substring(SecretPrefix.Length, LookupLength);
        await using var db = await _dbs.CreateDbContextAsync();
        var key = await db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Prefix == prefix);
        if (key is null || !key.Enabled) return null;
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(secret)), Encoding.ASCII.GetBytes(key.SecretHash)))
            return null;

        // Recorded in memory and written in the background: a request never waits on the database's writer for it.
        _usage.Record(key.Id, _clock.GetUtcNow().UtcDateTime);
        return key;
    }

    private static string NewSecret()
    {
        const string alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        return SecretPrefix + RandomNumberGenerator.GetString(alphabet, 40);
    }

    private static string Hash(string secret)
        => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secret))).ToLowerInvariant();

    private static readonly SortMap<ApiKey> Sorts = new SortMap<ApiKey>("Id")
        .Add("Id", k => k.Id).Add("Name", k => k.Name).Add("Role", k => k.Role).Add("ClientId", k => k.ClientId)
        .Add("Enabled", k => k.Enabled).Add("CreatedAt", k => k.CreatedAt).Add("LastUsedAt", k => k.LastUsedAt);
}
