using System.Net;
using System.Net.Http.Json;
using MeteringConsole.Domain;
using MeteringConsole.Features.Jobs;
using MeteringConsole.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace MeteringConsole.Tests.Features.Jobs;

/// <summary><c>Jobs:Enabled=false</c>: nothing runs by itself, and on-demand runs are refused with 409.</summary>
public sealed class JobsDisabledTests : IAsyncLifetime
{
    private readonly ApiFactory _api = new() { Settings = { ["Jobs:Enabled"] = "false" } };

    /// <summary>A bucket under contract, so October is a period billing would take were the scheduler on.</summary>
    public async Task InitializeAsync()
    {
        await using var scope = _api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MeteringConsole.Data.AppDbContext>();
        var now = TestClock.Now.UtcDateTime;
        db.BillingBuckets.Add(new BillingBucket
        {
            Client = new Client { Name = "Contracted", CreatedAt = now }, Name = "Compute", SourceType = new SourceType { Name = "vmware", CreatedAt = now },
            UnitType = new UnitType { Name = "hours", CreatedAt = now }, StartsOn = new DateOnly(2026, 1, 1), CreatedAt = now,
        });
        await db.SaveChangesAsync();
    }
    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task OnDemandRunsAnswer409AndTheSchedulerSaysItIsOff()
    {
        var admin = await _api.ClientWithKeyAsync(ApiKeyRole.Admin);
        var billing = await admin.PostAsJsonAsync("/api/v1/billing/runs", new { period_start = "2026-10-01" });
        Assert.Equal(HttpStatusCode.Conflict, billing.StatusCode);
        Assert.Contains("Jobs:Enabled is false", await billing.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsync("/api/v1/projections/runs", null)).StatusCode);
        Assert.False(_api.Services.GetRequiredService<JobScheduler>().IsRunning);
        await using var scope = _api.Services.CreateAsyncScope();
        Assert.Empty(scope.ServiceProvider.GetRequiredService<MeteringConsole.Data.AppDbContext>().JobRuns);
    }
}
