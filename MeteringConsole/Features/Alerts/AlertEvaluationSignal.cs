using System.Diagnostics;
using Hangfire;
using MeteringConsole.Features.Jobs;

namespace MeteringConsole.Features.Alerts;

/// <summary>
/// What other features call when the figures alerts read may have changed: after an ingest batch
/// committed, after a projection or billing run. Cheap and non-blocking; never part of their transactions.
/// </summary>
public interface IAlertTrigger
{
    void Request(string reason);
}

/// <summary>
/// Coalesces evaluation requests into Hangfire jobs: while one evaluation job is waiting to start,
/// further requests add nothing (it will see their data); once it starts, the next request queues
/// the next one. So a stream of ingest batches costs at most one running and one waiting
/// evaluation, and a crossing is evaluated within about a queue poll (1 s) of its batch, or
/// <see cref="Spacing"/> after the evaluation before it started, whichever is later.
/// </summary>
public sealed class AlertEvaluationSignal : IAlertTrigger
{
    private readonly IServiceProvider _services;
    private readonly JobScheduler _scheduler;
    private readonly ILogger<AlertEvaluationSignal> _log;
    private readonly TimeProvider _clock;
    private int _waiting;
    private int _version;
    private long _lastStart = long.MinValue;
    private (int Version, DateTimeOffset Until) _idle = (-1, DateTimeOffset.MinValue);

    public AlertEvaluationSignal(IServiceProvider services, JobScheduler scheduler, ILogger<AlertEvaluationSignal> log, TimeProvider clock)
    {
        _services = services;
        _scheduler = scheduler;
        _log = log;
        _clock = clock;
    }

    /// <summary>How long "no active alert" is believed without asking the database again.</summary>
    public static readonly TimeSpan IdleFor = TimeSpan.FromMinutes(1);

    public void Request(string reason)
    {
        if (!_scheduler.IsRunning || IsIdle || Interlocked.Exchange(ref _waiting, 1) == 1) return;
        try
        {
            _services.GetRequiredService<IBackgroundJobClient>().Enqueue<AlertEvaluationJob>(j => j.RunAsync(reason, CancellationToken.None));
        }
        catch (Exception e)
        {
            Volatile.Write(ref _waiting, 0);
            _log.LogError(e, "Could not queue an alert evaluation after {Reason}", reason);
        }
    }

    /// <summary>
    /// The least time from one evaluation's start to the next. Under sustained ingest every batch asks
    /// for one, and run back to back they took a core's share from ingest (issue 10: at most 5 %);
    /// spaced, a crossing still notifies within a few seconds of its batch (the target is 10 s).
    /// </summary>
    public static readonly TimeSpan Spacing = TimeSpan.FromSeconds(3);

    /// <summary>How long the waiting job should hold off before it starts (real time: pacing, not a business rule).</summary>
    internal TimeSpan UntilNextStart()
    {
        var last = Interlocked.Read(ref _lastStart);
        return last == long.MinValue ? TimeSpan.Zero : Spacing - Stopwatch.GetElapsedTime(last);
    }

    /// <summary>The waiting job has started: requests from now on need a new one.</summary>
    internal void Started()
    {
        Interlocked.Exchange(ref _lastStart, Stopwatch.GetTimestamp());
        Volatile.Write(ref _waiting, 0);
    }

    /// <summary>An alert was created or archived in this process: the next request evaluates again.</summary>
    public void AlertsChanged() => Interlocked.Increment(ref _version);

    internal int Version => Volatile.Read(ref _version);

    /// <summary>
    /// An evaluation that began at <paramref name="version"/> found no active alert: ingest batches
    /// queue nothing until an alert changes here, or for <see cref="IdleFor"/> (another process may have made one).
    /// </summary>
    internal void NothingToEvaluate(int version)
    {
        lock (this) _idle = (version, _clock.GetUtcNow() + IdleFor);
    }

    private bool IsIdle
    {
        get
        {
            lock (this) return _idle.Version == Version && _clock.GetUtcNow() < _idle.Until;
        }
    }
}

/// <summary>One evaluation of every active alert. Never two at once (Hangfire's lock per job class).</summary>
[DisableConcurrentExecution(10 * 60)]
[AutomaticRetry(Attempts = 0)]
public sealed class AlertEvaluationJob
{
    private readonly AlertEvaluator _evaluator;
    private readonly AlertEvaluationSignal _signal;
    private readonly ILogger<AlertEvaluationJob> _log;

    public AlertEvaluationJob(AlertEvaluator evaluator, AlertEvaluationSignal signal, ILogger<AlertEvaluationJob> log)
    {
        _evaluator = evaluator;
        _signal = signal;
        _log = log;
    }

    public async Task RunAsync(string reason, CancellationToken ct)
    {
        // Still the waiting job while it holds off: requests meanwhile are folded into it.
        if (_signal.UntilNextStart() is var wait && wait > TimeSpan.Zero) await Task.Delay(wait, ct);
        var version = _signal.Version;
        _signal.Started();
        var outcome = await _evaluator.EvaluateAsync(null, ct);
        if (outcome.Alerts == 0) _signal.NothingToEvaluate(version);
        // What the ingest benchmark sums to show what evaluations cost (README, Benchmarks).
        _log.LogDebug("Alert evaluation after {Reason}: {States} states, figures read in {ReadingMs:F1} ms, write gate waited {WaitingMs:F1} ms, states written in {WritingMs:F1} ms",
            reason, outcome.States, outcome.Reading.TotalMilliseconds, outcome.Waiting.TotalMilliseconds, outcome.Writing.TotalMilliseconds);
        if (outcome.Triggered > 0 || outcome.Cleared > 0)
            _log.LogInformation("Alerts evaluated after {Reason}: {States} states, {Triggered} in alarm now, {Cleared} back to ok",
                reason, outcome.States, outcome.Triggered, outcome.Cleared);
    }
}
