using MeteringConsole.Common;
using MeteringConsole.Data;
using MeteringConsole.Domain;
using Microsoft.EntityFrameworkCore;

namespace MeteringConsole.Features.Clients;

/// <param name="Billed">The client has billing history, so it can be disabled but never deleted.</param>
public sealed record ClientRow(int Id, string Name, bool Enabled, DateTime CreatedAt, IReadOnlyList<string> AlertEmails,
    int Buckets, int Assets, bool Billed = false);

public sealed record ClientInput(string Name, bool Enabled, IReadOnlyList<string>? AlertEmails);

/// <summary>A client as pickers list it (a record, so dropdowns can bind Id and Name).</summary>
public sealed record ClientName(int Id, string Name);

public sealed record ClientFilter(string? Search = null, bool? Enabled = null);

/// <summary>The client registry: listing, creating, editing and deleting clients.</summary>
public sealed class ClientService
{
    private readonly IDbContextFactory<AppDbContext> _dbs;
    private readonly TimeProvider _clock;
    private readonly CurrentActor _actor;

    public ClientService(IDbContextFactory<AppDbContext> dbs, CurrentActor actor, TimeProvider clock)
    {
        _clock = clock;
        _dbs = dbs;
        _actor = actor;
    }

    public async Task<Page<ClientRow>> ListAsync(ClientFilter filter, PageRequest page)
    {
        var actor = await _actor.RequireAsync(Permission.Read);
        await using var db = await _dbs.CreateDbContextAsync();
        var query = db.Clients.AsNoTracking();
        if (actor.ClientScope is int scope) query = query.Where(c => c.Id == scope);
        if (!string.IsNullOrWhiteSpace(filter.Search))
            query = query.WhereContains(db.Database, filter.Search, c => c.Name);
        if (filter.Enabled is bool enabled) query = query.Where(c => c.Enabled == enabled);
        var total = await query.CountAsync();
        var rows = await Sorts.Apply(query, page.OrderBy).Page(page)
            .Select(c => new { c.Id, c.Name, c.Enabled, c.CreatedAt, c.AlertEmails, Buckets = c.Buckets.Count, Assets = c.Assets.Count,
                Billed = db.BillingReadings.Any(r => r.ClientId == c.Id) })
            .ToListAsync();
        return new Page<ClientRow>(rows.Select(c => new ClientRow(c.Id, c.Name, c.Enabled, c.CreatedAt, SplitEmails(c.AlertEmails), c.Buckets, c.Assets,
            c.Billed)).ToList(), total);
    }

    /// <summary>Id and name of every client, for pickers.</summary>
    public async Task<IReadOnlyList<ClientName>> NamesAsync()
    {
        var actor = await _actor.RequireAsync(Permission.Read);
        await using var db = await _dbs.CreateDbContextAsync();
        var query = db.Clients.AsNoTracking();
        if (actor.ClientScope is int scope) query = query.Where(c => c.Id == scope);
        return await query.OrderBy(c => c.Name).Select(c => new ClientName(c.Id, c.Name)).ToListAsync();
    }

    public async Task<ClientRow> GetAsync(int id)
    {
        var actor = await _actor.RequireAsync(Permission.Read);
        if (!actor.MaySee(id)) throw new ForbiddenException("This API key is scoped to another client.");
        await using var db = await _dbs.CreateDbContextAsync();
        var c = await db.Clients.AsNoTracking().Where(c => c.Id == id)
            .Select(c => new { c.Id, c.Name, c.Enabled, c.CreatedAt, c.AlertEmails, Buckets = c.Buckets.Count, Assets = c.Assets.Count,
                Billed = db.BillingReadings.Any(r => r.ClientId == c.Id) })
            .FirstOrDefaultAsync() ?? throw new NotFoundException("Client", id);
        return new ClientRow(c.Id, c.Name, c.Enabled, c.CreatedAt, SplitEmails(c.AlertEmails), c.Buckets, c.Assets, c.Billed);
    }

    public async Task<ClientRow> CreateAsync(ClientInput input)
    {
        var actor = await _actor.RequireAsync(Permission.Write);
        if (actor.ClientScope is not null) throw new ForbiddenException("A client-scoped key cannot create clients.");
        await using var db = await _dbs.CreateDbContextAsync();
        var (name, emails) = Validate(input);
        await EnsureUniqueAsync(db, name, exceptId: null);
        var client = new Client { Name = name, Enabled = input.Enabled, AlertEmails = emails, CreatedAt = _clock.GetUtcNow().UtcDateTime };
        db.Clients.Add(client);
        await db.SaveChangesAsync();
        return new ClientRow(client.Id, client.Name, client.Enabled, client.CreatedAt, SplitEmails(emails), 0, 0);
    }

    public async Task<ClientRow> UpdateAsync(int id, ClientInput input)
    {
        var actor = await _actor.RequireAsync(Permission.Write);
        if (!actor.MaySee(id)) throw new ForbiddenException("This API key is scoped to another client.");
        await using var db = await _dbs.CreateDbContextAsync();
        var (name, emails) = Validate(input);
        var client = await db.Clients.FindAsync(id) ?? throw new NotFoundException("Client", id);
        await EnsureUniqueAsync(db, name, exceptId: id);
        client.Name = name;
        client.Enabled = input.Enabled;
        client.AlertEmails = emails;
        await db.SaveChangesAsync();
        return await GetAsync(id);
    }

    private static async Task<string?> RefusalAsync(AppDbContext db, Client client)
        => Refusal(client.Name, await db.BillingReadings.AnyAsync(r => r.ClientId == client.Id),
            await db.BillingBuckets.AnyAsync(b => b.ClientId == client.Id));

    /// <summary>Why a listed client cannot be deleted, or null: what the page shows on its disabled Delete button.</summary>
    public static string? DeleteRefusal(ClientRow row) => Refusal(row.Name, row.Billed, row.Buckets > 0);

    private static string? Refusal(string name, bool billed, bool hasBuckets)
        => billed ? $"{name} has billing history and cannot be deleted; disable it instead."
            : hasBuckets ? $"{name} still has billing buckets; delete them first or disable the client."
            : null;

    /// <summary>Deletes a client that has never been billed; its assets become unassigned.</summary>
    public async Task DeleteAsync(int id)
    {
        var actor = await _actor.RequireAsync(Permission.Write);
        if (actor.ClientScope is not null) throw new ForbiddenException("A client-scoped key cannot delete clients.");
        await using var db = await _dbs.CreateDbContextAsync();
        var client = await db.Clients.FindAsync(id) ?? throw new NotFoundException("Client", id);
        if (await RefusalAsync(db, client) is { } refusal) throw new ConflictException(refusal);
        // Unassign assets through the change tracker so each change is audited.
        foreach (var asset in await db.Assets.Where(a => a.ClientId == id).ToListAsync()) asset.ClientId = null;
        db.Clients.Remove(client);
        await db.SaveChangesAsync();
    }

    private static (string Name, string Emails) Validate(ClientInput input)
    {
        var emails = (input.AlertEmails ?? Array.Empty<string>()).Select(e => e.Trim()).Where(e => e.Length > 0).Distinct().ToList();
        var v = new Validator().Required(input.Name, "name", 200);
        foreach (var e in emails)
            v.Check(System.Net.Mail.MailAddress.TryCreate(e, out var parsed) && parsed.Address == e, "alert_emails", $"'{e}' is not a valid email address.");
        v.Check(emails.Count <= 20, "alert_emails", "At most 20 alert emails.");
        v.ThrowIfInvalid();
        return (input.Name.Trim(), string.Join(",", emails));
    }

    private static async Task EnsureUniqueAsync(AppDbContext db, string name, int? exceptId)
    {
        // The column's NOCASE collation makes this comparison case-insensitive.
        if (await db.Clients.AnyAsync(c => c.Name == name && c.Id != exceptId))
            throw new ConflictException($"A client named '{name}' already exists.");
    }

    public static IReadOnlyList<string> SplitEmails(string emails)
        => emails.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static readonly SortMap<Client> Sorts = new SortMap<Client>("Name")
        .Add("Id", c => c.Id).Add("Name", c => c.Name).Add("Enabled", c => c.Enabled)
        .Add("CreatedAt", c => c.CreatedAt).Add("Buckets", c => c.Buckets.Count).Add("Assets", c => c.Assets.Count);
}
