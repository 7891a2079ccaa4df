using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MeteringConsole.Common;
using MeteringConsole.Data;
using MeteringConsole.Domain;
using MeteringConsole.Features.ApiKeys;
using MeteringConsole.Tests.Features.Billing;
using MeteringConsole.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static MeteringConsole.Tests.Features.Billing.BillingFixture;

namespace MeteringConsole.Tests.Api;

/// <summary>
/// Other writers next to sustained ingest: they queue with it and succeed (finalize and billing
/// runs used to fail with 500 "database is locked"), and reads never wait for the writer.
/// </summary>
public sealed class WritesUnderIngestLoadTests : IAsyncLifetime
{
    private readonly ApiFactory _api = new();
    private BillingFixture _data = null!;

    public Task InitializeAsync()
    {
        _ = _api.Server; // starts the host, so billing runs execute on the real Hangfire server
        _data = new BillingFixture(_api.Services.GetRequiredService<DatabaseOptions>(), _api.Services.GetRequiredService<BillingSettings>(), () =>
        {
            var scope = _api.Services.CreateScope();
            scope.ServiceProvider.GetRequiredService<CurrentActor>().Set(Actor.System("test"));
            return scope.ServiceProvider.GetRequiredService<AppDbContext>();
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
        => JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    [Fact]
    public async Task FinalizeBillingRunsAndEditsSucceedWhileFourSendersIngest10000EventBatches()
    {
        var client = await _data.ClientAsync("Loaded");
        var source = await _data.SourceAsync("vmware");
        var unit = await _data.UnitTypeAsync("vcpu-hours");
        var asset = await _data.AssetAsync(source, "vm-billed", client);
        await _data.BucketAsync(client, source, unit, Aggregation.Sum, 100, 1, 2, new[] { asset });
        var admin = await _api.ClientWithKeyAsync(ApiKeyRole.Admin);
        // October's usage, sent as a source sends it (stored with its rollups on either provider).
        (await admin.PostAsJsonAsync("/api/v1/usage", new[]
        {
            new { event_id = "october", timestamp = Utc(2026, 10, 3).ToString("O"), source = "vmware", asset_id = "vm-billed", unit_type = "vcpu-hours", value = 120 },
        })).EnsureSuccessStatusCode();

        using var stop = new CancellationTokenSource();
        var failures = new ConcurrentQueue<string>();
        var batches = 0;
        var senders = Enumerable.Range(0, 4).Select(sender => Task.Run(async () =>
        {
            var http = await _api.ClientWithKeyAsync(ApiKeyRole.Ingest);
            for (var batch = 0; !stop.IsCancellationRequested; batch++)
            {
                // The open period (November): finalizing October must not refuse the load.
                var events = Enumerable.Range(0, 10_000).Select(i => new
                {
                    event_id = $"s{sender}-b{batch}-{i}", timestamp = TestClock.Now.AddMinutes(-1 - i % 600).ToString("O"), source = "vmware",
                    asset_id = $"vm-{sender}-{i % 50}", unit_type = "vcpu-hours", value = 1,
                });
                var response = await http.PostAsJsonAsync("/api/v1/usage", events);
                if (response.StatusCode != HttpStatusCode.OK) failures.Enqueue($"ingest {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                Interlocked.Increment(ref batches);
            }
        })).ToArray();

        var watch = Stopwatch.StartNew();
        while (Volatile.Read(ref batches) < 1) await Task.Delay(50);
        var before = Volatile.Read(ref batches);
        try
        {
            var run = await admin.PostAsJsonAsync("/api/v1/billing/runs", new { period_start = "2026-10-01" });
            Assert.Equal(HttpStatusCode.Accepted, run.StatusCode);
            var id = (await ReadAsync(run)).GetProperty("id").GetInt32();
            JsonElement status;
            do
            {
                await Task.Delay(100);
                status = await ReadAsync(await admin.GetAsync($"/api/v1/billing/runs/{id}"));
                Assert.True(watch.Elapsed < TimeSpan.FromMinutes(2), "the billing run did not finish");
            } while (status.GetProperty("status").GetString() is "queued" or "running");
            Assert.Equal("succeeded", status.GetProperty("status").GetString());

            var finalize = await admin.PostAsync("/api/v1/billing/periods/2026-10-01/finalize", null);
            Assert.Equal(HttpStatusCode.OK, finalize.StatusCode);
            Assert.Equal(HttpStatusCode.Accepted, (await admin.PostAsync("/api/v1/projections/runs", null)).StatusCode);
            Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/v1/clients", new { name = "Signed during the load" })).StatusCode);
        }
        finally
        {
            stop.Cancel();
            await Task.WhenAll(senders);
        }
        Assert.Empty(failures);
        // The job's own bookkeeping (its job_runs row) took its turn too, rather than failing on the lock and retrying.
        await using (var db = await OpenAsync())
        {
            await using var cmd = db.Command("SELECT status FROM job_runs WHERE job_name = 'billing'");
            await using var rows = await cmd.ExecuteReaderAsync();
            var statuses = new List<string>();
            while (await rows.ReadAsync()) statuses.Add(rows.GetString(0));
            Assert.Equal(new[] { "Succeeded" }, statuses);
        }
        // The writers above really met the load: batches kept being stored while they ran.
        Assert.True(Volatile.Read(ref batches) - before >= 1, $"only {Volatile.Read(ref batches) - before} batches during the writes");
    }

    [Fact]
    public async Task ARequestDoesNotWaitForTheWriterToRecordItsKeysLastUse()
    {
        var secret = await _api.CreateKeyAsync(ApiKeyRole.ReadOnly);
        var http = _api.CreateClient();
        http.DefaultRequestHeaders.Authorization = new("Bearer", secret);

        // A long ingest batch holds the queue and the database's write lock for longer than the busy timeout:
        // SQLite's one write lock, or on PostgreSQL the key's row (a batch of another process recording its use).
        var gate = _api.Services.GetRequiredService<DatabaseWriteGate>();
        await using var writer = await OpenAsync();
        HttpResponseMessage response;
        var watch = Stopwatch.StartNew();
        using (await gate.EnterAsync())
        await using (var tx = await BeginWriteAsync(writer))
        {
            response = await http.GetAsync("/api/v1/clients");
            watch.Stop();
            await tx.RollbackAsync();
        }
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.ElapsedMilliseconds} ms");

        // Written in the background, and shown before that.
        var keys = await _api.AsSystemAsync<ApiKeyService, Page<ApiKeyRow>>(k => k.ListAsync(new PageRequest()));
        Assert.Equal(_api.Clock.GetUtcNow().UtcDateTime, keys.Items.Single().LastUsedAt);
        await _api.Services.GetRequiredService<ApiKeyUsageRecorder>().FlushAsync();
        await using var check = writer.Command("SELECT last_used_at FROM api_keys");
        await using var read = await check.ExecuteReaderAsync();
        Assert.True(await read.ReadAsync());
        Assert.Equal(_api.Clock.GetUtcNow().UtcDateTime, SqlValues.ReadInstant(read, 0));
    }

    private Task<System.Data.Common.DbConnection> OpenAsync() => _api.Services.GetRequiredService<DatabaseOptions>().OpenAsync();

    /// <summary>A transaction holding what an ingest batch holds: SQLite's write lock (BEGIN IMMEDIATE), or every API key row.</summary>
    private static async Task<System.Data.Common.DbTransaction> BeginWriteAsync(System.Data.Common.DbConnection connection)
    {
        if (connection is Microsoft.Data.Sqlite.SqliteConnection sqlite) return sqlite.BeginTransaction(deferred: false);
        var tx = await connection.BeginTransactionAsync();
        await using var rows = connection.Command("SELECT id FROM api_keys FOR UPDATE", tx);
        await rows.ExecuteNonQueryAsync();
        return tx;
    }
}
