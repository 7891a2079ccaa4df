using MeteringConsole.Features.Alerts;
using Microsoft.Extensions.DependencyInjection;

namespace MeteringConsole.Tests.Features.Alerts;

/// <summary>The pacing between evaluations (issue 10: under sustained ingest they ran back to back).</summary>
public sealed class AlertEvaluationSignalTests
{
    [Fact]
    public async Task TheFirstEvaluationStartsAtOnceAndTheNextWaitsOutTheSpacing()
    {
        await using var app = await TestApp.CreateAsync();
        var signal = app.Services.GetRequiredService<AlertEvaluationSignal>();

        Assert.Equal(TimeSpan.Zero, signal.UntilNextStart());

        signal.Started();

        // Real time (pacing, not a business rule): the next one holds off for nearly all of the spacing.
        Assert.InRange(signal.UntilNextStart(), AlertEvaluationSignal.Spacing - TimeSpan.FromSeconds(1), AlertEvaluationSignal.Spacing);
    }
}
