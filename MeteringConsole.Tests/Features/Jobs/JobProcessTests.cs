using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MeteringConsole.Bench;
using MeteringConsole.Tests.Infrastructure;
using MeteringConsole.Data;

namespace MeteringConsole.Tests.Features.Jobs;

/// <summary>The console as an operator runs it: Ctrl-C stops it, and a crash mid-run is recovered from.</summary>
public sealed class JobProcessTests
{
    private readonly Xunit.Abstractions.ITestOutputHelper _output;

    public JobProcessTests(Xunit.Abstractions.ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task CtrlCStopsTheConsoleWithinSeconds()
    {
        await using var app = await AppProcess.StartAsync(new TempDatabase());
        // Let Hangfire's server and the start-up schedule get going: they are what must stop.
        await Task.Delay(TimeSpan.FromSeconds(2));
        var exited = await app.InterruptAsync(TimeSpan.FromSeconds(15));
        _output.WriteLine(app.Output);
        Assert.True(exited, "SIGINT did not stop the console within 15 s:\n" + app.Output);
        Assert.Equal(0, app.ExitCode);
    }

    [Fact]
    public async Task ABillingRunCutOffByACrashIsMarkedInterruptedAndTheNextRunSucceeds()
    {
        using var db = new TempDatabase();
        Assert.Equal(0, (await AppProcess.RunCommandAsync(db, new[] { "db", "migrate" })).ExitCode);
        // October 2026 (closed at the test clock) with enough buckets and rollups that a run takes a while.
        using (var database = new DatabaseOptions(db.Provider, db.ConnectionString))
            await BenchData.WriteAsync(database, clients: 1000, assetsPerBucket: 4, readings: 1_000_000, new DateOnly(2026, 10, 1));
        var created = await AppProcess.RunCommandAsync(db, new[] { "apikey", "create", "--name", "test", "--role", "Admin" });
        var key = created.StdOut.TrimEnd().Split('\n').Last().Trim();

        int killedRun;
        await using (var app = await AppProcess.StartAsync(db, ownsDatabase: false))
        {
            // The schedule catches up October's billing at start-up; kill the console while it runs.
            killedRun = await WaitForAsync(() => Scalar<long?>(db, "SELECT id FROM billing_runs WHERE status = 'Running'"), TimeSpan.FromSeconds(60)) is long id
                ? (int)id
                : throw new TimeoutException("No billing run started:\n" + app.Output);
            await app.KillAsync();
        }
        Assert.Equal("Running", Scalar<string>(db, $"SELECT status FROM billing_runs WHERE id = {killedRun}"));

        await using (var app = await AppProcess.StartAsync(db, ownsDatabase: false))
        {
            Assert.Equal(0L, Scalar<long>(db, "SELECT COUNT(*) FROM billing_runs WHERE status = 'Running'"));
            Assert.Equal(0L, Scalar<long>(db, "SELECT COUNT(*) FROM job_runs WHERE status = 'Running'"));
            Assert.Equal("Failed", Scalar<string>(db, $"SELECT status FROM billing_runs WHERE id = {killedRun}"));
            Assert.StartsWith("Interrupted", Scalar<string>(db, $"SELECT error FROM billing_runs WHERE id = {killedRun}"));
            Assert.StartsWith("Interrupted", Scalar<string>(db, "SELECT error FROM job_runs WHERE job_name = 'billing' ORDER BY id DESC LIMIT 1"));

            using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            var accepted = await http.PostAsJsonAsync("/api/v1/billing/runs", new { period_start = "2026-10-01" });
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
            var id = JsonDocument.Parse(await accepted.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt32();
            var status = await WaitForAsync(() =>
            {
                var s = Scalar<string>(db, $"SELECT status FROM billing_runs WHERE id = {id}");
                return s is "Succeeded" or "Failed" ? s : null;
            }, TimeSpan.FromMinutes(2));
            _output.WriteLine(app.Output);
            Assert.True(status == "Succeeded", $"The new run ended {status ?? "never"}: {Scalar<string>(db, $"SELECT error FROM billing_runs WHERE id = {id}")}\n{app.Output}");
            Assert.Equal(5000L, Scalar<long>(db, "SELECT COUNT(*) FROM billing_readings WHERE period_start = (SELECT period_start FROM billing_runs WHERE id = " + id + ")"));
        }
    }

    private static async Task<T?> WaitForAsync<T>(Func<T?> probe, TimeSpan within)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < within)
        {
            if (probe() is { } value) return value;
            await Task.Delay(20);
        }
        return default;
    }

    private static T Scalar<T>(TempDatabase db, string sql) => db.Scalar<T>(sql);
}
