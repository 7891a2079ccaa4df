using Hangfire;
using Hangfire.PostgreSql;
using MeteringConsole.Data;

namespace MeteringConsole.Features.Jobs;

/// <summary>
/// Runs Hangfire's server for the life of a started host (never in the command line, service
/// tests or the sample generator, which build hosts without starting them). On start: clean up
/// after the previous process, start the server, re-enqueue lost on-demand runs, plan the schedule.
/// On stop, running jobs see their CancellationToken cancelled and get
/// <see cref="ShutdownTimeout"/> to finish, so Ctrl-C stops the console in seconds.
/// </summary>
public sealed class JobHost : IHostedService, IDisposable
{
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(5);

    private readonly IServiceProvider _services;
    private readonly JobSettings _settings;
    private readonly JobScheduler _scheduler;
    private readonly JobRecovery _recovery;
    private readonly ILogger<JobHost> _log;
    private IDisposable? _logs;
    private BackgroundJobServer? _server;

    public JobHost(IServiceProvider services, JobSettings settings, JobScheduler scheduler, JobRecovery recovery, ILogger<JobHost> log)
    {
        _services = services;
        _settings = settings;
        _scheduler = scheduler;
        _recovery = recovery;
        _log = log;
    }

    public async Task StartAsync(CancellationToken ct)
    {
        // Applies AddHangfire's configuration (serializer, log provider) before anything talks to Hangfire.
        _services.GetRequiredService<IGlobalConfiguration>();
        _logs = HangfireLogBridge.Instance.Attach(_services.GetRequiredService<ILoggerFactory>());
        if (!_settings.Enabled)
        {
            _log.LogInformation("Jobs:Enabled is false: no job runs by itself or on demand");
            return;
        }
        var storage = _services.GetRequiredService<JobStorage>();
        // Consoles sharing one PostgreSQL database start their job hosts one at a time, so that each
        // one's recovery sees the others' servers and leaves their work and locks alone.
        var database = _services.GetRequiredService<DatabaseOptions>();
        await using var turn = database.IsPostgreSql && storage is PostgreSqlStorage
            ? await SessionAdvisoryLock.AcquireAsync(database, StartUpLock, ct)
            : null;
        await _recovery.CleanUpAsync(storage, ct);
        _server = new BackgroundJobServer(new BackgroundJobServerOptions
        {
            // Three jobs, each one at a time, plus room for an on-demand run waiting its turn, an alert
            // evaluation (and one waiting) and alert deliveries.
            WorkerCount = 8,
            // Start-up recovery of another console on the same storage tells this server's work from a dead one's by it.
            ServerName = JobServers.ThisProcessName,
            ShutdownTimeout = ShutdownTimeout,
            SchedulePollingInterval = TimeSpan.FromSeconds(5),
            Activator = _services.GetRequiredService<JobActivator>(),
        }, storage);
        if (turn is not null) await JobServers.WaitUntilAnnouncedAsync(storage, ct);
        _scheduler.MarkRunning(true);
        await _recovery.ReEnqueueLostAsync(storage, ct);
        foreach (var job in _scheduler.Jobs) await _scheduler.ScheduleNextAsync(job.Name, startUp: true);
    }

    /// <summary>Any number, as long as nothing else in the database takes this advisory lock.</summary>
    private const long StartUpLock = 0x4D43_4A48; // "MCJH"

    public async Task StopAsync(CancellationToken ct)
    {
        _scheduler.MarkRunning(false);
        if (_server is null) return;
        _server.SendStop();
        await _server.WaitForShutdownAsync(ct);
    }

    public void Dispose()
    {
        _server?.Dispose();
        _server = null;
        _logs?.Dispose();
    }
}
