using MeteringConsole.Common;
using MeteringConsole.Data;
using MeteringConsole.Domain;
using Microsoft.EntityFrameworkCore;

namespace MeteringConsole.Features.Alerts;

/// <summary>A webhook endpoint as listed: never its secret.</summary>
public sealed record WebhookRow(int Id, string Url, string Description, bool Enabled, string? DisabledReason, DateTime CreatedAt);

/// <summary>A new endpoint with its signing secret, shown this once.</summary>
public sealed record CreatedWebhook(int Id, string Url, string Description, bool Enabled, DateTime CreatedAt, string Secret);

public sealed record WebhookInput(string? Url, string? Description);

/// <summary>What a test POST got back.</summary>
public sealed record WebhookTestResult(bool Delivered, int? StatusCode, string? Error);

/// <summary>Webhook endpoints: every notification goes to every enabled one, signed with its own secret.</summary>
public sealed class WebhookService
{
    public const int MaxUrlLength = 2000;
    public const int MaxDescriptionLength = 500;

    private readonly IDbContextFactory<AppDbContext> _dbs;
    private readonly CurrentActor _actor;
    private readonly AlertDelivery _delivery;
    private readonly TimeProvider _clock;

    public WebhookService(IDbContextFactory<AppDbContext> dbs, CurrentActor actor, AlertDelivery delivery, TimeProvider clock)
    {
        _dbs = dbs;
        _actor = actor;
        _delivery = delivery;
        _clock = clock;
    }

    public async Task<IReadOnlyList<WebhookRow>> ListAsync()
    {
        await RequireUnscopedAsync(Permission.Read);
        await using var db = await _dbs.CreateDbContextAsync();
        return (await db.WebhookEndpoints.AsNoTracking().OrderBy(e => e.Id).ToListAsync()).Select(ToRow).ToList();
    }

    public async Task<CreatedWebhook> CreateAsync(WebhookInput input)
    {
        await RequireUnscopedAsync(Permission.Write);
        var url = (input.Url ?? "").Trim();
        var description = (input.Description ?? "").Trim();
        var v = new Validator().Required(url, "url", MaxUrlLength).MaxLength(description, "description", MaxDescriptionLength);
        if (url.Length > 0)
            v.Check(Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
                    && !string.IsNullOrEmpty(uri.Host), "url", "The URL must be an absolute http:// or https:// address.");
        v.ThrowIfInvalid();
        await using var db = await _dbs.CreateDbContextAsync();
        var endpoint = new WebhookEndpoint
        {
            Url = url, Description = description, Secret = WebhookSignature.NewSecret(), Enabled = true, CreatedAt = _clock.GetUtcNow().UtcDateTime,
        };
        db.WebhookEndpoints.Add(endpoint);
        await db.SaveChangesAsync();
        return new CreatedWebhook(endpoint.Id, endpoint.Url, endpoint.Description, endpoint.Enabled, endpoint.CreatedAt, endpoint.Secret);
    }

    /// <summary>Deletes an endpoint; pending retries to it stop, its attempts stay in the log.</summary>
    public async Task DeleteAsync(int id)
    {
        await RequireUnscopedAsync(Permission.Write);
        await using var db = await _dbs.CreateDbContextAsync();
        var endpoint = await db.WebhookEndpoints.FindAsync(id) ?? throw new NotFoundException("Webhook endpoint", id);
        db.WebhookEndpoints.Remove(endpoint);
        await db.SaveChangesAsync();
    }

    /// <summary>POSTs a signed <c>webhook.test</c> message to the endpoint now and says what came back (not logged as a notification).</summary>
    public async Task<WebhookTestResult> SendTestAsync(int id, CancellationToken ct = default)
    {
        await RequireUnscopedAsync(Permission.Write);
        await using var db = await _dbs.CreateDbContextAsync();
        var endpoint = await db.WebhookEndpoints.AsNoTracking().FirstOrDefaultAsync(e => e.Id == id, ct) ?? throw new NotFoundException("Webhook endpoint", id);
        var messageId = "msg_test_" + Guid.NewGuid().ToString("N");
        var body = System.Text.Json.JsonSerializer.Serialize(new
        {
            type = "webhook.test",
            id = messageId,
            timestamp = _clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
            data = new { webhook_id = endpoint.Id, message = "A test from MeteringConsole: this endpoint receives alert notifications." },
        });
        var outcome = await _delivery.PostAsync(endpoint, messageId, body, ct);
        return new WebhookTestResult(outcome.Delivered, outcome.StatusCode, outcome.Error);
    }

    /// <summary>Endpoints receive every client's notifications: a client-scoped key has no business with them.</summary>
    private async Task RequireUnscopedAsync(Permission permission)
    {
        var actor = await _actor.RequireAsync(permission);
        if (actor.ClientScope is not null) throw new ForbiddenException("A client-scoped key cannot manage webhook endpoints: they receive every client's alerts.");
    }

    private static WebhookRow ToRow(WebhookEndpoint e) => new(e.Id, e.Url, e.Description, e.Enabled, e.DisabledReason, e.CreatedAt);
}
