using System.Diagnostics;
using System.Collections.Concurrent;
using Hangfire;
using Hangfire.Storage.SQLite;
using MeteringConsole.Features.Jobs;
using MeteringConsole.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace MeteringConsole.Tests.Features.Jobs;

/// <summary>Runs alone: Hangfire's log provider is process-wide, and the soak must hear only itself.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HangfireSoakCollection
{
    public const string Name = "Hangfire soak";
}

/// <summary>
/// STACK.md pitfall 2b: Hangfire.Storage.SQLite has a history of lock bugs. A few hundred short
/// jobs on it, with recurring and delayed triggers firing and [DisableConcurrentExecution] jobs
/// contending for one lock, with the app's storage options; any Hangfire warning or error fails it.
/// </summary>
[Collection(HangfireSoakCollection.Name)]
public sealed class HangfireSoakTests
{
    private const int Plain = 200, Contending = 60, Delayed = 40;
    private readonly Xunit.Abstractions.ITestOutputHelper _output;

    public HangfireSoakTests(Xunit.Abstractions.ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task HundredsOfShortJobsRunWithoutAHangfireWarningOrError()
    {
        using var db = new TempDatabase();
        var log = new CapturingLogger();
        using var loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Information).AddProvider(log));
        using var attached = HangfireLogBridge.Instance.Attach(loggerFactory);
        GlobalConfiguration.Configuration.SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer().UseRecommendedSerializerSettings().UseLogProvider(HangfireLogBridge.Instance);
        using var storage = new SQLiteStorage(Path.Combine(db.Directory, "hangfire.db"), new SQLiteStorageOptions { QueuePollInterval = TimeSpan.FromSeconds(1) });
        SoakJobs.Reset();
        var client = new BackgroundJobClient(storage);
        var recurring = new RecurringJobManager(storage);

        using (new BackgroundJobServer(new BackgroundJobServerOptions
               {
                   WorkerCount = 4, ShutdownTimeout = JobHost.ShutdownTimeout, SchedulePollingInterval = TimeSpan.FromSeconds(1),
                   Activator = new JobActivator(),
               }, storage))
        {
            // Every second, two recurring jobs, one of them contending for the same lock as below.
            recurring.AddOrUpdate<SoakJobs>("soak-tick", j => j.Tick(), "* * * * * *");
            recurring.AddOrUpdate<SoakJobs>("soak-tick-locked", j => j.ContendTick(), "* * * * * *");
            var started = Stopwatch.StartNew();
            for (var i = 0; i < Plain; i++) client.Enqueue<SoakJobs>(j => j.Plain());
            for (var i = 0; i < Contending; i++) client.Enqueue<SoakJobs>(j => j.Contend());
            for (var i = 0; i < Delayed; i++) client.Schedule<SoakJobs>(j => j.Plain(), TimeSpan.FromMilliseconds(200 * (i % 10)));

            while (started.Elapsed < TimeSpan.FromMinutes(3) && (SoakJobs.PlainRuns < Plain + Delayed || SoakJobs.ContendRuns < Contending || SoakJobs.Ticks < 5))
                await Task.Delay(250);
            recurring.RemoveIfExists("soak-tick");
            recurring.RemoveIfExists("soak-tick-locked");
            // A tick that fired just before its removal may still be queued or running: let it finish, so
            // stopping the server does not interrupt it (Hangfire warns of an interrupted job, rightly).
            var monitoring = storage.GetMonitoringApi();
            var drained = Stopwatch.StartNew();
            while (drained.Elapsed < TimeSpan.FromSeconds(30) && (monitoring.ProcessingCount() > 0 || monitoring.EnqueuedCount("default") > 0))
                await Task.Delay(100);
            _output.WriteLine($"{SoakJobs.PlainRuns} plain, {SoakJobs.ContendRuns} contending, {SoakJobs.Ticks} ticks in {started.Elapsed.TotalSeconds:0.0} s; " +
                              $"at most {SoakJobs.MostAtOnce} contending at once");
            Assert.Equal(0, storage.GetMonitoringApi().FailedCount());
        }
        foreach (var line in log.Lines) _output.WriteLine(line);
        Assert.True(SoakJobs.PlainRuns >= Plain + Delayed, $"only {SoakJobs.PlainRuns} of {Plain + Delayed} plain jobs ran");
        Assert.True(SoakJobs.ContendRuns >= Contending, $"only {SoakJobs.ContendRuns} of {Contending} contending jobs ran");
        Assert.True(SoakJobs.Ticks >= 5, $"the recurring job fired {SoakJobs.Ticks} times");
        Assert.Equal(1, SoakJobs.MostAtOnce);
        Assert.DoesNotContain(log.Lines, l => l.StartsWith("Warning") || l.StartsWith("Error") || l.StartsWith("Critical"));
    }

    private sealed class CapturingLogger : ILoggerProvider, ILogger
    {
        public ConcurrentQueue<string> Queue { get; } = new();
        public IEnumerable<string> Lines => Queue;
        public ILogger CreateLogger(string categoryName) => this;
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) Queue.Enqueue($"{logLevel}: {formatter(state, exception)} {exception}");
        }
        public void Dispose() { }
    }
}

/// <summary>The soak's jobs: short, counted, and (for <see cref="Contend"/>) checked for overlap.</summary>
public sealed class SoakJobs
{
    private static int _plain, _contend, _ticks, _inside, _mostAtOnce;

    public static int PlainRuns => Volatile.Read(ref _plain);
    public static int ContendRuns => Volatile.Read(ref _contend);
    public static int Ticks => Volatile.Read(ref _ticks);
    public static int MostAtOnce => Volatile.Read(ref _mostAtOnce);

    public static void Reset() => _plain = _contend = _ticks = _inside = _mostAtOnce = 0;

    public async Task Plain()
    {
        await Task.Delay(5);
        Interlocked.Increment(ref _plain);
    }

    public void Tick() => Interlocked.Increment(ref _ticks);

    /// <summary>The same lock as <see cref="Contend"/>, fired by a recurring trigger.</summary>
    [DisableConcurrentExecution("soak-lock", 120)]
    public Task ContendTick() => Inside(count: false);

    [DisableConcurrentExecution("soak-lock", 120)]
    public Task Contend() => Inside(count: true);

    private static async Task Inside(bool count)
    {
        var now = Interlocked.Increment(ref _inside);
        int most;
        while ((most = Volatile.Read(ref _mostAtOnce)) < now && Interlocked.CompareExchange(ref _mostAtOnce, now, most) != most) { }
        await Task.Delay(10);
        Interlocked.Decrement(ref _inside);
        if (count) Interlocked.Increment(ref _contend);
    }
}
