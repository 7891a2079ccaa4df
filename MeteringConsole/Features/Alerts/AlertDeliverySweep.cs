using System.Collections.Concurrent;
using MeteringConsole.Data;
using MeteringConsole.Domain;
using Microsoft.EntityFrameworkCore;

namespace MeteringConsole.Features.Alerts;

/// <summary>An attempt owed to one target (the mail, or one webhook endpoint) of one notification.</summary>
public sealed record OwedDelivery(long NotificationId, NotificationChannel Channel, int? EndpointId, int Attempt);

/// <summary>
/// Finds notifications whose delivery nobody will make: recorded, but the process died before
/// their fan-out job was queued (or while a delivery job ran, whose leftovers start-up removes),
/// or their retry was lost with Hangfire.InMemory's queue. An attempt is owed to a target when
/// it has none yet, or when its last one failed and the retry is overdue; never when its last one
/// was delivered, gave up, or has begun without an outcome (in progress, or cut off mid-send: the
/// peer may have it, so it is not sent again). Only what is older than <see cref="Grace"/> counts,
/// so the normal path's jobs are not raced; if one is raced anyway, the attempt's claim in
/// <see cref="AlertDelivery"/> lets only one of them send.
/// </summary>
public sealed class AlertDeliverySweep
{
    /// <summary>How long the normal path has to make an attempt before the sweep makes it.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(1);

    /// <summary>Older notifications are history: the retry schedule has long ended.</summary>
    public static readonly TimeSpan Lookback = TimeSpan.FromDays(7);

    private readonly IDbContextFactory<AppDbContext> _dbs;
    private readonly TimeProvider _clock;

    public AlertDeliverySweep(IDbContextFactory<AppDbContext> dbs, TimeProvider clock)
    {
        _dbs = dbs;
        _clock = clock;
    }

    public async Task<IReadOnlyList<OwedDelivery>> FindOwedAsync(CancellationToken ct = default)
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        var (cutOff, since) = (now - Grace, now - Lookback);
        await using var db = await _dbs.CreateDbContextAsync(ct);
        var notifications = await (from n in db.AlertNotifications.AsNoTracking()
                                   join a in db.Alerts on n.AlertId equals a.Id
                                   where a.ArchivedAt == null && n.TriggeredAt <= cutOff && n.TriggeredAt >= since
                                   orderby n.Id
                                   select new { n.Id, n.TriggeredAt, a.NotifyEmail, a.NotifyWebhook }).ToListAsync(ct);
        if (notifications.Count == 0) return Array.Empty<OwedDelivery>();
        var ids = notifications.Select(n => n.Id).ToList();
        var attempts = (await db.AlertDeliveryAttempts.AsNoTracking().Where(x => ids.Contains(x.NotificationId)).ToListAsync(ct))
            .ToLookup(x => (x.NotificationId, x.Channel, x.WebhookEndpointId));
        var endpoints = await db.WebhookEndpoints.AsNoTracking().Where(e => e.Enabled).OrderBy(e => e.Id)
            .Select(e => new { e.Id, e.CreatedAt }).ToListAsync(ct);

        var owed = new List<OwedDelivery>();
        foreach (var n in notifications)
        {
            var targets = new List<(NotificationChannel Channel, int? Endpoint)>();
            if (n.NotifyEmail) targets.Add((NotificationChannel.Email, null));
            // The fan-out targets the endpoints enabled when it runs; one registered after the crossing was never owed it.
            if (n.NotifyWebhook) targets.AddRange(endpoints.Where(e => e.CreatedAt <= n.TriggeredAt).Select(e => (NotificationChannel.Webhook, (int?)e.Id)));
            foreach (var (channel, endpoint) in targets)
                if (NextAttempt(attempts[(n.Id, channel, endpoint)], cutOff) is int attempt)
                    owed.Add(new OwedDelivery(n.Id, channel, endpoint, attempt));
        }
        return owed;
    }

    /// <summary>The attempt owed to a target after <paramref name="made"/>, or null when none is.</summary>
    internal static int? NextAttempt(IEnumerable<AlertDeliveryAttempt> made, DateTime cutOff)
    {
        var last = made.MaxBy(x => x.Attempt);
        if (last is null) return 1;
        if (last.Success || last.Error is null) return null;
        return last.NextAttemptAt is DateTime due && due <= cutOff ? last.Attempt + 1 : null;
    }
}

/// <summary>
/// Runs the sweep where jobs run: once at start-up (after the job host has started) and every
/// <see cref="Interval"/> on the app's clock, handing each owed attempt to the delivery jobs once
/// per process.
/// </summary>
public sealed class AlertDeliverySweeper : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private readonly IServiceScopeFactory _scopes;
    private readonly AlertDispatcher _dispatcher;
    private readonly TimeProvider _clock;
    private readonly ILogger<AlertDeliverySweeper> _log;
    private readonly ConcurrentDictionary<OwedDelivery, DateTime> _handedOver = new();
    private readonly SemaphoreSlim _one = new(1, 1);

    public AlertDeliverySweeper(IServiceScopeFactory scopes, AlertDispatcher dispatcher, TimeProvider clock, ILogger<AlertDeliverySweeper> log)
    {
        _scopes = scopes;
        _dispatcher = dispatcher;
        _clock = clock;
        _log = log;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Off the host's start-up path; the job host (registered before alerts) has started by now.
        await Task.Yield();
        if (!_dispatcher.Running) return;
        using var timer = new PeriodicTimer(Interval, _clock);
        do
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                _log.LogError(e, "The sweep for undelivered alert notifications failed; it tries again in {Interval}", Interval);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    /// <summary>One sweep: the attempts handed to the delivery jobs now (none already handed over by this process).</summary>
    public async Task<IReadOnlyList<OwedDelivery>> SweepAsync(CancellationToken ct = default)
    {
        if (!_dispatcher.Running) return Array.Empty<OwedDelivery>();
        await _one.WaitAsync(ct);
        try
        {
            await using var scope = _scopes.CreateAsyncScope();
            var owed = await scope.ServiceProvider.GetRequiredService<AlertDeliverySweep>().FindOwedAsync(ct);
            var now = _clock.GetUtcNow().UtcDateTime;
            foreach (var (key, at) in _handedOver)
                if (at < now - AlertDeliverySweep.Lookback) _handedOver.TryRemove(key, out _);
            var handed = owed.Where(o => _handedOver.TryAdd(o, now)).ToList();
            foreach (var o in handed)
            {
                if (o.Channel == NotificationChannel.Email) _dispatcher.Email(o.NotificationId, o.Attempt, TimeSpan.Zero);
                else _dispatcher.Webhook(o.NotificationId, o.EndpointId!.Value, o.Attempt, TimeSpan.Zero);
            }
            if (handed.Count > 0)
                _log.LogWarning("{Count} alert deliveries were owed and had no job (the console stopped between recording and sending?): queued now",
                    handed.Count);
            return handed;
        }
        finally
        {
            _one.Release();
        }
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try { return await timer.WaitForNextTickAsync(ct); }
        catch (OperationCanceledException) { return false; }
    }

    public override void Dispose()
    {
        _one.Dispose();
        base.Dispose();
    }
}
