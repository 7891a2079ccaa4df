using MeteringConsole.Features.Billing;
using MeteringConsole.Tests.Infrastructure;
using MeteringConsole.Common;
using MeteringConsole.Domain;
using static MeteringConsole.Tests.Features.Billing.BillingFixture;

namespace MeteringConsole.Tests.Features.Billing;

public sealed class BillingTimeZoneTests
{
    [Fact]
    public async Task PeriodsAndDaysAreCutInTheBillingTimeZone()
    {
        await using var app = await TestApp.CreateAsync(s => s["Billing:TimeZone"] = "America/New_York");
        var data = BillingFixture.For(app);
        var (client, source, unit) = (await data.ClientAsync("Eastern"), await data.SourceAsync("vmware"), await data.UnitTypeAsync("hours"));
        var a = await data.AssetAsync(source, "vm-ny", client);
        // 2026-10-01 00:30 and 2026-11-01 03:30 UTC are still September 30 and October 31 in New York (EDT, UTC−4);
        // 2026-11-01 04:00 UTC is New York's midnight: November.
        await data.ReadingsAsync(a, unit, (Utc(2026, 10, 1, 0, 30), 100), (Utc(2026, 10, 1, 4), 1), (Utc(2026, 11, 1, 3, 30), 2),
            (Utc(2026, 11, 1, 4), 400));
        var bucket = await data.BucketAsync(client, source, unit, Aggregation.Sum, 0, 0, 1, new[] { a });

        var run = await app.Service<BillingRunService>(TestApp.Operator).RunAsync("2026-10-01");

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal("2026-10-31", run.PeriodEnd);
        var line = Assert.Single((await app.Service<BillingReadingService>(TestApp.Viewer).ReadingsAsync("2026-10-01", null, null, new PageRequest())).Items);
        Assert.Equal((bucket, 3m), (line.BucketId, line.TotalUsage));
        await using var db = app.Db();
        var stored = db.BillingReadings.Single();
        Assert.Equal((Utc(2026, 10, 1, 4), Utc(2026, 11, 1, 4)), (stored.PeriodStart, stored.PeriodEnd));
    }
}
