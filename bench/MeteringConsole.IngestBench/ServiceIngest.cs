using System.Diagnostics;
using System.Text.Json;
using MeteringConsole.Common;
using MeteringConsole.Data;
using MeteringConsole.Domain;
using MeteringConsole.Features;
using MeteringConsole.Features.Usage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MeteringConsole.IngestBench;

/// <summary>The same batches straight into IngestService: the ceiling without HTTP and JSON transport.</summary>
public static class ServiceIngest
{
    public static async Task<string> RunAsync(string databasePath, BenchOptions options, string label, long preload)
    {
        using var host = OfflineHost.Build(databasePath, BenchStore.Current.Settings(databasePath));
        await using (var scope = await host.MigratedScopeAsync(Actor.System("bench")))
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            foreach (var (name, aggregation) in Workload.UnitTypes)
                db.UnitTypes.Add(new UnitType { Name = name, Aggregation = Enum.Parse<Aggregation>(aggregation, true), CreatedAt = DateTime.UtcNow });
            await db.SaveChangesAsync();
        }

        var bodies = Enumerable.Range(0, options.BatchesPerSender * options.Senders)
            .Select(b => JsonDocument.Parse(Workload.Batch("svc", 0, b, options.BatchSize))).ToList();
        var clock = Stopwatch.StartNew();
        foreach (var body in bodies)
        {
            await using var scope = host.Services.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<CurrentActor>().Set(new Actor(ActorKind.ApiKey, "bench", Roles.Ingest, ApiKeyId: 1));
            await scope.ServiceProvider.GetRequiredService<IngestService>().IngestJsonAsync(body.RootElement);
        }
        clock.Stop();
        var events = (long)bodies.Count * options.BatchSize;
        return $"{label}: {events:N0} events in {clock.Elapsed.TotalSeconds:N1} s = {events / clock.Elapsed.TotalSeconds:N0} events/s (one caller, parsing included)";
    }
}
