using MeteringConsole.Common;
using MeteringConsole.Features.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MeteringConsole.Tests.Features.Jobs;

/// <summary>A job refused for an expected reason is recorded and logged as information; a crash keeps its stack trace.</summary>
public sealed class JobFailureLoggingTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.CreateAsync();
    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task ARefusalIsInformationWithoutAStackTrace()
    {
        var logs = await RunAsync(new ConflictException("Period 2026-10-01 is finalized: it cannot be billed again."));
        var entry = Assert.Single(logs.Entries);
        Assert.Equal(LogLevel.Information, entry.Level);
        Assert.Null(entry.Exception);
        Assert.Contains("finalized", entry.Message);
    }

    [Fact]
    public async Task ACrashIsAnErrorWithItsException()
    {
        var logs = await RunAsync(new InvalidOperationException("disk on fire (test)"));
        var entry = Assert.Single(logs.Entries);
        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.IsType<InvalidOperationException>(entry.Exception);
    }

    private async Task<CapturedLogs> RunAsync(Exception failure)
    {
        var logs = new CapturedLogs();
        await using var scope = _app.Scope(Actor.System("test"));
        var services = scope.ServiceProvider;
        var job = new FailingJob(failure, services.GetRequiredService<JobHistory>(), services.GetRequiredService<JobScheduler>(),
            services.GetRequiredService<CurrentActor>(), logs.CreateLogger("job"));
        await job.ExecuteAsync(new JobRequest("test", BillingRunId: 1), CancellationToken.None);
        return logs;
    }

    private sealed class FailingJob(Exception failure, JobHistory history, JobScheduler scheduler, CurrentActor actor, ILogger log)
        : HistoryJob(history, scheduler, actor, log)
    {
        protected override string JobName => JobNames.Billing;
        protected override Task<string> RunAsync(JobRequest request, CancellationToken ct) => Task.FromException<string>(failure);
    }
}
