using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MeteringConsole.Domain;
using MeteringConsole.Tests.Infrastructure;
using MeteringConsole.Data;

namespace MeteringConsole.Tests.Features.Usage;

/// <summary>Nothing lost, nothing counted twice: crashes mid-batch and concurrent senders.</summary>
public sealed class IngestDurabilityTests
{
    private readonly Xunit.Abstractions.ITestOutputHelper _output;

    public IngestDurabilityTests(Xunit.Abstractions.ITestOutputHelper output) => _output = output;

    private static string Batch(string prefix, int count, int offset = 0)
    {
        var at = TestClock.Now.AddHours(-2).ToString("O");
        var events = Enumerable.Range(offset, count).Select(i => new
        {
            event_id = $"{prefix}-{i}", timestamp = at, source = "vmware", asset_id = $"vm-{i % 50}", unit_type = "vcpu-hours", value = 1.5,
            metadata = new Dictionary<string, string> { ["host"] = $"esx-{i % 7}" },
        });
        return JsonSerializer.Serialize(events);
    }

    private static async Task<string> AdminKeyAsync(TempDatabase db)
    {
        var created = await AppProcess.RunCommandAsync(db, new[] { "apikey", "create", "--name", "test", "--role", "Admin" });
        Assert.Equal(0, created.ExitCode);
        return created.StdOut.TrimEnd().Split('\n').Last().Trim();
    }

    private static (long Readings, double ReadingSum, double RollupSum, long RollupCount) Totals(TempDatabase db, string prefix)
    {
        using var database = new DatabaseOptions(db.Provider, db.ConnectionString);
        using var connection = database.OpenAsync().GetAwaiter().GetResult();
        using var cmd = connection.Command($"""
            SELECT (SELECT COUNT(*) FROM usage_readings WHERE event_id LIKE '{prefix}-%'),
                   (SELECT COALESCE(SUM(value), 0) FROM usage_readings),
                   (SELECT COALESCE(SUM(sum), 0) FROM usage_daily_rollups),
                   (SELECT CAST(COALESCE(SUM(count), 0) AS BIGINT) FROM usage_daily_rollups)
            """);
        using var r = cmd.ExecuteReader();
        r.Read();
        return (r.GetInt64(0), r.GetDouble(1), r.GetDouble(2), r.GetInt64(3));
    }

    [Fact]
    public async Task ProcessKilledDuringALargeBatchStoresItWholeOrNotAtAll()
    {
        using var db = new TempDatabase();
        var key = await AdminKeyAsync(db);
        var outcomes = new List<long>();
        foreach (var (round, killAfterMs) in new[] { (0, 5), (1, 40), (2, 120), (3, 400) })
        {
            await using var app = await AppProcess.StartAsync(db, ownsDatabase: false);
            using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            if (round == 0)
                (await http.PostAsJsonAsync("/api/v1/unit-types", new { name = "vcpu-hours", aggregation = "sum" })).EnsureSuccessStatusCode();

            var prefix = $"kill{round}";
            var send = http.PostAsync("/api/v1/usage", new StringContent(Batch(prefix, 10_000), Encoding.UTF8, "application/json"));
            await Task.Delay(killAfterMs);
            await app.KillAsync();
            try { await send; } catch (HttpRequestException) { /* the server died mid-request, as intended */ }

            var totals = Totals(db, prefix);
            Assert.True(totals.Readings is 0 or 10_000, $"round {round}: {totals.Readings} of 10,000 readings survived");
            // Rollups were written in the same transaction: they agree with the readings exactly.
            Assert.Equal(totals.ReadingSum, totals.RollupSum, 6);
            outcomes.Add(totals.Readings);
        }
        _output.WriteLine($"Readings that survived each kill: {string.Join(", ", outcomes)}");
        // The database is still healthy: a restart takes the batches that were lost.
        await using (var app = await AppProcess.StartAsync(db, ownsDatabase: false))
        {
            using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            var retry = await http.PostAsync("/api/v1/usage", new StringContent(Batch("kill0", 10_000), Encoding.UTF8, "application/json"));
            var body = await retry.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(10_000, body.GetProperty("accepted").GetInt32() + body.GetProperty("duplicates").GetInt32());
        }
        Assert.Equal(10_000, Totals(db, "kill0").Readings);
    }

    [Fact]
    public async Task ConcurrentSendersWithOverlappingEventIdsStoreEachIdOnce()
    {
        await using var factory = new ApiFactory();
        var http = await factory.ClientWithKeyAsync(ApiKeyRole.Admin);
        (await http.PostAsJsonAsync("/api/v1/unit-types", new { name = "vcpu-hours", aggregation = "sum" })).EnsureSuccessStatusCode();

        // Four senders, each 3 batches of 2,000; neighbours overlap by half, so most ids arrive twice.
        var senders = Enumerable.Range(0, 4).Select(async s =>
        {
            int accepted = 0, duplicates = 0;
            for (var b = 0; b < 3; b++)
            {
                var response = await http.PostAsync("/api/v1/usage",
                    new StringContent(Batch("c", 2_000, offset: s * 1_000 + b * 2_000), Encoding.UTF8, "application/json"));
                response.EnsureSuccessStatusCode();
                var body = await response.Content.ReadFromJsonAsync<JsonElement>();
                accepted += body.GetProperty("accepted").GetInt32();
                duplicates += body.GetProperty("duplicates").GetInt32();
            }
            return (accepted, duplicates);
        }).ToList();
        var results = await Task.WhenAll(senders);

        var unique = Enumerable.Range(0, 4).SelectMany(s => Enumerable.Range(s * 1_000, 6_000)).Distinct().Count();
        Assert.Equal(unique, results.Sum(r => r.accepted));
        Assert.Equal(4 * 6_000 - unique, results.Sum(r => r.duplicates));
        var totals = Totals(factory.Database, "c");
        Assert.Equal(unique, totals.Readings);
        Assert.Equal(unique, totals.RollupCount);
        Assert.Equal(unique * 1.5, totals.RollupSum, 6);
    }
}
