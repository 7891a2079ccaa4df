using System.Collections.Concurrent;
using MeteringConsole.Common;
using Quartz;
using Quartz.Spi;

namespace MeteringConsole.Features.Jobs;

/// <summary>
/// Resolves each job execution from a DI scope of its own, acting as the system, and disposes the
/// scope when Quartz returns the job: jobs get the same scoped services (DbContext factory, audit
/// actor) as a request does.
/// </summary>
public sealed class ScopedJobFactory : IJobFactory
{
    private readonly IServiceProvider _services;
    private readonly ConcurrentDictionary<IJob, AsyncServiceScope> _scopes = new(ReferenceEqualityComparer.Instance);

    public ScopedJobFactory(IServiceProvider services) => _services = services;

    public IJob NewJob(TriggerFiredBundle bundle, IScheduler scheduler)
    {
        var scope = _services.CreateAsyncScope();
        try
        {
            scope.ServiceProvider.GetRequiredService<CurrentActor>().Set(Actor.System(bundle.JobDetail.Key.Name));
            var job = (IJob)scope.ServiceProvider.GetRequiredService(bundle.JobDetail.JobType);
            _scopes[job] = scope;
            return job;
        }
        catch
        {
            scope.Dispose();
            throw;
        }
    }

    public void ReturnJob(IJob job)
    {
        if (_scopes.TryRemove(job, out var scope)) scope.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
