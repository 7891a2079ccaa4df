using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MeteringConsole.Tests.Infrastructure;

namespace MeteringConsole.Tests.Hosting;

/// <summary>
/// Two console processes on one PostgreSQL database, as behind a load balancer: one schedule, each
/// event id stored once, a period billed once, and a sign-in cookie of one accepted by the other.
/// Only in the suite's PostgreSQL pass (<c>MC_TEST_POSTGRES</c>): two consoles on one SQLite file is
/// not a supported set-up.
/// </summary>
public sealed class TwoInstancesTests
{
    private const string Password = "two-instances-password-1";
    private const string Email = "admin@two.test";
    private const string Unit = "vcpu-hours";
    private const int Assets = 5;
    private readonly Xunit.Abstractions.ITestOutputHelper _output;

    public TwoInstancesTests(Xunit.Abstractions.ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task TwoConsolesOnOneDatabaseStoreEachEventOnceBillOnceRunTheScheduleOnceAndShareSignIns()
    {
        if (!TestPostgres.Enabled)
        {
            _output.WriteLine("Skipped: MC_TEST_POSTGRES is not set (two consoles share a PostgreSQL database only).");
            return;
        }
        using var db = new TempDatabase();
        var key = await SetUpAsync(db);

        // Both start at once, with October's billing (and the other jobs) due: each plans the schedule.
        var started = await Task.WhenAll(AppProcess.StartAsync(db, ownsDatabase: false), AppProcess.StartAsync(db, ownsDatabase: false));
        await using var a = started[0];
        await using var b = started[1];
        try
        {
            using var httpA = ApiClient(a, key);
            using var httpB = ApiClient(b, key);
            var scheduled = await WaitUntilAsync(() => db.Scalar<long>(
                "SELECT COUNT(*) FROM billing_runs WHERE started_by = 'system:schedule' AND status IN ('Succeeded', 'Failed')") > 0, TimeSpan.FromSeconds(60));
            Assert.True(scheduled, "The schedule did not bill October at start-up");

            // Concurrent batches with overlapping event ids, half to each console.
            const int distinct = 2000;
            var batches = Enumerable.Range(0, 8).Select(i => Batch(first: i * 250, count: 500 - (i == 7 ? 250 : 0))).ToList();
            var sent = batches.Sum(batch => batch.Length);
            var answers = await Task.WhenAll(batches.Select((batch, i) => PostAsync(i % 2 == 0 ? httpA : httpB, batch)));
            Assert.Equal(distinct, answers.Sum(r => r.Accepted));
            Assert.Equal(sent - distinct, answers.Sum(r => r.Duplicates));
            Assert.Equal(distinct + Assets, db.Scalar<long>("SELECT COUNT(*) FROM usage_readings"));
            Assert.Equal(distinct + Assets, db.Scalar<long>("SELECT COUNT(DISTINCT event_id) FROM usage_readings"));

            // Billing from both at once: never two runs at once, one line per bucket.
            var runs = await Task.WhenAll(new[] { httpA, httpB }.Select(async http =>
            {
                var response = await http.PostAsJsonAsync("/api/v1/billing/runs", new { period_start = "2026-10-01" });
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt32();
            }));
            foreach (var run in runs.Distinct())
            {
                await WaitUntilAsync(() => db.Scalar<string>($"SELECT status FROM billing_runs WHERE id = {run}") is "Succeeded" or "Failed", TimeSpan.FromMinutes(2));
                var status = db.Scalar<string>($"SELECT status FROM billing_runs WHERE id = {run}");
                Assert.True(status == "Succeeded", $"Run {run} ended {status}: {db.Scalar<string>($"SELECT error FROM billing_runs WHERE id = {run}")}");
            }
            Assert.Equal(0L, db.Scalar<long>("""
                SELECT COUNT(*) FROM billing_runs x JOIN billing_runs y ON x.id < y.id
                WHERE x.started_at < y.finished_at AND y.started_at < x.finished_at
                """));
            var readings = JsonDocument.Parse(await httpB.GetStringAsync("/api/v1/billing/readings?period_start=2026-10-01")).RootElement.GetProperty("items");
            var line = Assert.Single(readings.EnumerateArray());
            Assert.Equal(distinct + Assets, line.GetProperty("total_usage").GetDecimal());
            // Commit 100 at 1.00, the rest overage at 2.00.
            Assert.Equal(100m + (distinct + Assets - 100) * 2m, line.GetProperty("final_cost").GetDecimal());

            // One schedule: the start-up runs of each job happened once, not once per console.
            foreach (var job in new[] { "billing", "projections", "auto-provisioning" })
                Assert.True(db.Scalar<long>($"SELECT COUNT(*) FROM job_runs WHERE job_name = '{job}' AND started_by = 'system:schedule'") <= 1,
                    $"The schedule's {job} run happened more than once");
            Assert.Equal(1L, db.Scalar<long>("SELECT COUNT(*) FROM billing_runs WHERE started_by = 'system:schedule'"));

            // A sign-in on A is a session on B: the Data Protection keys are shared in the database.
            await AssertSignInIsSharedAsync(a, b);
        }
        catch
        {
            _output.WriteLine("A:\n" + a.Output + "\nB:\n" + b.Output);
            throw;
        }
    }

    /// <summary>The key, the user, a client with a bucket over five assets, through one console that is stopped again.</summary>
    private static async Task<string> SetUpAsync(TempDatabase db)
    {
        var created = await AppProcess.RunCommandAsync(db, new[] { "apikey", "create", "--name", "two", "--role", "Admin" });
        Assert.True(created.ExitCode == 0, created.StdErr);
        var key = created.StdOut.TrimEnd().Split('\n').Last().Trim();
        var user = await AppProcess.RunCommandAsync(db, new[] { "user", "add", "--email", Email, "--role", "Admin" },
            new Dictionary<string, string> { ["METERING_PASSWORD"] = Password });
        Assert.True(user.ExitCode == 0, user.StdErr);

        await using var setup = await AppProcess.StartAsync(db, ownsDatabase: false);
        using var http = ApiClient(setup, key);
        Assert.Equal(HttpStatusCode.Created, (await http.PostAsJsonAsync("/api/v1/unit-types", new { name = Unit, base_rate = 1, overage_rate = 2 })).StatusCode);
        var client = await http.PostAsJsonAsync("/api/v1/clients", new { name = "Two Instances Ltd" });
        Assert.Equal(HttpStatusCode.Created, client.StatusCode);
        var clientId = JsonDocument.Parse(await client.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt32();
        // The assets exist before the concurrent batches, one reading each.
        var warmUp = await PostAsync(http, Enumerable.Range(0, Assets).Select(i => Event($"warm-{i}", i, clientId)).ToArray());
        Assert.Equal(Assets, warmUp.Accepted);
        var bucket = await http.PostAsJsonAsync("/api/v1/buckets", new
        {
            client_id = clientId, name = "Compute", source_type = "vmware", unit_type = Unit, commit = 100, base_rate = 1, overage_rate = 2,
            starts_on = "2026-10-01", asset_ids = Enumerable.Range(0, Assets).Select(i => $"vm-{i}").ToArray(),
        });
        Assert.True(bucket.StatusCode == HttpStatusCode.Created, await bucket.Content.ReadAsStringAsync());
        Assert.True(await setup.InterruptAsync(TimeSpan.FromSeconds(15)), "The set-up console did not stop");
        return key;
    }

    private static async Task AssertSignInIsSharedAsync(AppProcess a, AppProcess b)
    {
        using var toA = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(a.BaseUrl) };
        var signIn = new SignInForm(toA);
        var signedIn = await signIn.PostAsync(Email, Password);
        Assert.True(signedIn.StatusCode == HttpStatusCode.Redirect && signIn.Cookies.ContainsKey(SignInForm.AuthCookie),
            $"sign-in on A answered {(int)signedIn.StatusCode}");

        using var toB = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(b.BaseUrl) };
        var anonymous = await toB.GetAsync("/jobs");
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        var request = new HttpRequestMessage(HttpMethod.Get, "/jobs");
        request.Headers.Add("Cookie", $"{SignInForm.AuthCookie}={signIn.Cookies[SignInForm.AuthCookie]}");
        var withCookie = await toB.SendAsync(request);
        Assert.True(withCookie.StatusCode == HttpStatusCode.OK, $"B answered {(int)withCookie.StatusCode} to A's cookie ({withCookie.Headers.Location})");
    }

    private static HttpClient ApiClient(AppProcess app, string key)
    {
        var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl), Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http;
    }

    private static object[] Batch(int first, int count)
        => Enumerable.Range(first, count).Select(i => Event($"evt-{i % 2000}", i, clientId: null)).ToArray();

    /// <summary>A reading of 1 in October 2026 (closed and not finalized at the test clock) for one of the five assets.</summary>
    private static object Event(string id, int n, int? clientId) => new
    {
        event_id = id,
        timestamp = new DateTime(2026, 10, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(n % 40_000).ToString("yyyy-MM-ddTHH:mm:ssZ"),
        source = "vmware",
        asset_id = $"vm-{n % Assets}",
        unit_type = Unit,
        value = 1,
        client_id = clientId,
    };

    private static async Task<(int Accepted, int Duplicates)> PostAsync(HttpClient http, object[] events)
    {
        var response = await http.PostAsJsonAsync("/api/v1/usage", events);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"ingest answered {(int)response.StatusCode}: {body}");
        var json = JsonDocument.Parse(body).RootElement;
        return (json.GetProperty("accepted").GetInt32(), json.GetProperty("duplicates").GetInt32());
    }

    private static async Task<bool> WaitUntilAsync(Func<bool> probe, TimeSpan within)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < within)
        {
            if (probe()) return true;
            await Task.Delay(100);
        }
        return false;
    }
}
