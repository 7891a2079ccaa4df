using MeteringConsole.Domain;
using MeteringConsole.Features.Usage;
using MeteringConsole.Tests.Infrastructure;

namespace MeteringConsole.Tests.Features.Usage;

/// <summary>Unit types and clients that ingest tests send against.</summary>
internal static class IngestTestData
{
    /// <summary>A collector's ingest key.</summary>
    public static readonly MeteringConsole.Common.Actor IngestKey = new(MeteringConsole.Common.ActorKind.ApiKey, "collector", MeteringConsole.Common.Roles.Ingest, ApiKeyId: 7);

    /// <summary>An instant in October 2026, the period tests finalize.</summary>
    public static readonly DateTimeOffset InOctober = new(2026, 10, 15, 12, 0, 0, TimeSpan.Zero);

    public static async Task<(int Acme, int Globex)> SeedAsync(TestApp app)
    {
        await using var db = app.Db();
        db.UnitTypes.AddRange(
            new UnitType { Name = "vcpu-hours", Aggregation = Aggregation.Sum, CreatedAt = TestClock.Now.UtcDateTime },
            new UnitType { Name = "seats", Aggregation = Aggregation.Last, CreatedAt = TestClock.Now.UtcDateTime });
        var acme = new Client { Name = "Acme", CreatedAt = TestClock.Now.UtcDateTime };
        var globex = new Client { Name = "Globex", CreatedAt = TestClock.Now.UtcDateTime };
        db.Clients.AddRange(acme, globex);
        await db.SaveChangesAsync();
        return (acme.Id, globex.Id);
    }

    public static UsageEvent Event(string id, string asset = "vm-1", double value = 1, DateTimeOffset? at = null, string unit = "vcpu-hours",
        int? client = null, string? name = null, string source = "vmware")
        => new(id, at ?? TestClock.Now.AddHours(-1), source, asset, unit, value, client, name);
}
