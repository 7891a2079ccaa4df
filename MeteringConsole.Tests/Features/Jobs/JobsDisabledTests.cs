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

    public Task InitializeAsync() => Task.CompletedTask;
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
