using Bogus;
using static MeteringConsole.Features.Sample.SampleCatalog;

namespace MeteringConsole.Features.Sample;

/// <summary>
/// The readings each asset sends, on the schedule its collector really keeps: vCenter every 12 hours,
/// the AWS cost report and Microsoft Graph daily, Veeam once per job run. Values stay whole numbers
/// where the source counts whole things, which also keeps the file small (SQLite stores them as integers).
/// </summary>
internal static class SampleUsage
{
    public static List<SampleReading> Create(Faker f, SampleWindow window, IReadOnlyList<SampleAsset> assets)
    {
        var readings = new List<SampleReading>(80_000);
        for (var i = 0; i < assets.Count; i++)
        {
            var asset = assets[i];
            var emit = new Emitter(f, window, readings, i);
            var seats = asset.Usage.Size;
            for (var day = asset.FirstDay; day <= asset.LastDay; day++)
            {
                var weekend = window.DayStart(day).DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
                switch (asset.Kind)
                {
                    case AssetKind.VirtualMachine: VirtualMachine(f, emit, asset, day, weekend); break;
                    case AssetKind.Ec2Instance:
                        emit.At(VcpuHours, day, 23, asset.Usage.Size * (asset.Usage.Autoscaled ? f.Random.Int(4, 24) : 24));
                        break;
                    case AssetKind.NatGateway:
                        var gb = asset.Usage.Size * Math.Pow(1 + asset.Usage.Growth, day) * (weekend ? 0.55 : 1) * f.Random.Double(0.7, 1.3);
                        emit.At(EgressGb, day, 23, Math.Round(gb, 2));
                        break;
                    case AssetKind.EbsVolume:
                        emit.At(GbMonth, day, 23, asset.Usage.Size * (day >= asset.Usage.ChangeDay ? 2 : 1));
                        break;
                    case AssetKind.LicencePool:
                        // Licences are assigned and removed a few at a time, drifting with the client's headcount.
                        if (f.Random.Bool(0.3f)) seats = Math.Max(1, seats + Math.Round(asset.Usage.Growth * 3 + f.Random.Double(-1.5, 1.5)));
                        emit.At(Seats, day, 6, seats);
                        break;
                    case AssetKind.BackupJob: BackupJob(f, emit, asset, day); break;
                    case AssetKind.BackupRepository:
                        var used = asset.Usage.Size * Math.Pow(1 + asset.Usage.Growth, day) * f.Random.Double(0.995, 1.005);
                        emit.At(GbMonth, day, 7, Math.Round(used));
                        break;
                }
            }
        }
        // Event ids follow arrival order, as if the collectors had sent them live.
        readings.Sort((a, b) => a.TimestampMs != b.TimestampMs ? a.TimestampMs.CompareTo(b.TimestampMs)
            : a.Asset != b.Asset ? a.Asset.CompareTo(b.Asset) : string.CompareOrdinal(a.UnitType, b.UnitType));
        return readings;
    }

    private static void VirtualMachine(Faker f, Emitter emit, SampleAsset vm, int day, bool weekend)
    {
        for (var half = 1; half <= 2; half++)
        {
            // Development VMs are shut down at night (most of the first half) and over the weekend.
            var hours = vm.Usage.PoweredOff || (vm.Usage.OfficeHours && weekend) ? 0 : vm.Usage.OfficeHours && half == 1 ? 4 : 12;
            // Now and then a patch window or an outage takes a few hours off.
            if (hours > 0 && f.Random.Bool(0.01f)) hours -= f.Random.Int(1, 4);
            emit.At(VcpuHours, day, half * 12, vm.Usage.Size * hours);
        }
        if (vm.UnitTypes.Contains(RamGb))
            emit.At(RamGb, day, 24, vm.Usage.Size2 * (day >= vm.Usage.ChangeDay ? 2 : 1));
    }

    private static void BackupJob(Faker f, Emitter emit, SampleAsset job, int day)
    {
        var runs = job.Usage.RunsPerDay;
        for (var run = 0; run < runs; run++)
        {
            var result = f.Random.WeightedRandom(new[] { "Success", "Warning", "Failed" }, new[] { 0.93f, 0.05f, 0.02f });
            var gb = result == "Failed" ? 0 : Math.Max(1, Math.Round(job.Usage.Size * f.Random.Double(0.6, 1.3)));
            var hour = runs == 1 ? 23 : 2 + run * 24 / runs;
            emit.At(BackupJobs, day, hour, gb, $$"""{"result":"{{result}}"}""");
        }
    }

    /// <summary>Adds one asset's readings: a few minutes before the given hour of the day, ingested moments later.</summary>
    private sealed class Emitter(Faker f, SampleWindow window, List<SampleReading> readings, int asset)
    {
        private readonly long _anchorMs = SampleWindow.ToMs(window.Anchor);

        public void At(string unitType, int day, int hour, double value, string? metadata = null)
        {
            // Sent at least 7 minutes before the hour and ingested within 7 minutes, so nothing lands after the anchor.
            var ms = SampleWindow.ToMs(window.DayStart(day).AddHours(hour).AddSeconds(-f.Random.Int(420, 1_500)));
            var ingested = ms + f.Random.Int(15, 400) * 1000L;
            // One in a hundred arrives late: its collector was down for a while.
            var late = ms + f.Random.Int(3_600, 30 * 3_600) * 1000L;
            if (f.Random.Bool(0.01f) && late < _anchorMs) ingested = late;
            readings.Add(new SampleReading(asset, unitType, ms, value, metadata, ingested));
        }
    }
}
