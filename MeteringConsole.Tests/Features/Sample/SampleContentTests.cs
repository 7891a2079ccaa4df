using MeteringConsole.Features.Sample;
using static MeteringConsole.Tests.Features.Sample.GeneratedSamples;

namespace MeteringConsole.Tests.Features.Sample;

public sealed class SampleContentTests : IClassFixture<GeneratedSamples>
{
    /// <summary>Everything but what is salted or stamped with the wall clock (password and key hashes, audit times).</summary>
    private static readonly string[] Snapshot =
    {
        "SELECT name, enabled, created_at, alert_emails FROM clients ORDER BY id",
        "SELECT id, name, created_at FROM source_types ORDER BY id",
        """
        SELECT s.name, a.external_id, c.name, a.name, a.description, a.acknowledged, a.enabled, a.disregarded, a.created_at, a.last_seen_at
        FROM assets a JOIN source_types s ON s.id = a.source_type_id LEFT JOIN clients c ON c.id = a.client_id ORDER BY a.id
        """,
        "SELECT name, description, aggregation, auto_provision, base_rate, overage_rate, filter_pattern, created_at FROM unit_types ORDER BY id",
        """
        SELECT c.name, b.name, s.name, u.name, b.aggregation, b."commit", b.base_rate, b.overage_rate, b.reviewed, b.enabled, b.auto_provisioned, b.created_at
        FROM billing_buckets b JOIN clients c ON c.id = b.client_id JOIN source_types s ON s.id = b.source_type_id
        JOIN unit_types u ON u.id = b.unit_type_id ORDER BY b.id
        """,
        "SELECT ba.bucket_id, a.external_id, ba.bound_at FROM bucket_assets ba JOIN assets a ON a.id = ba.asset_id ORDER BY ba.bucket_id, a.external_id",
        "SELECT pattern, type, reason, created_at, hit_count, last_hit_at FROM ingest_suppressions ORDER BY id",
        "SELECT COUNT(*), SUM(value), SUM(timestamp_ms), SUM(ingested_at_ms), COUNT(metadata) FROM usage_readings",
        "SELECT COUNT(*), SUM(\"sum\"), SUM(\"count\"), SUM(last_value) FROM usage_daily_rollups",
        "SELECT name, type, threshold, client_id, unit_type_id, severity, notify_email, notify_webhook, extra_recipients, created_at FROM alerts ORDER BY id",
        "SELECT alert_id, client_id, status, value, current_value, triggered_at, period_start FROM alert_client_states ORDER BY alert_id, client_id",
        "SELECT alert_id, client_id, value, threshold, period_start, triggered_at FROM alert_notifications ORDER BY id",
        """
        SELECT notification_id, channel, webhook_endpoint_id, target, attempt, attempted_at, success, status_code, error, next_attempt_at
        FROM alert_delivery_attempts ORDER BY id
        """,
        "SELECT url, description, enabled, disabled_reason, created_at FROM webhook_endpoints ORDER BY id",
        "SELECT name, description, source, item, bucket_id, unit_type_id, aggregation, created_at FROM monitors ORDER BY id",
    };

    private readonly GeneratedSamples _samples;

    public SampleContentTests(GeneratedSamples samples) => _samples = samples;

    [Fact]
    public void SampleIsDeterministic()
    {
        using var first = Open(_samples.First);
        using var second = Open(_samples.Second);
        foreach (var sql in Snapshot)
            Assert.Equal(Rows(first, sql), Rows(second, sql));
    }

    [Fact]
    public void SampleCoversTheShapesThePagesNeed()
    {
        using var db = Open(_samples.First);
        Assert.InRange(Scalar(db, "SELECT COUNT(*) FROM clients"), 25, 1000);
        Assert.True(Scalar(db, "SELECT COUNT(*) FROM clients WHERE enabled = 0") > 0, "some clients are disabled");
        Assert.Equal(0, Scalar(db, "SELECT COUNT(*) FROM clients WHERE alert_emails = ''"));
        Assert.InRange(Scalar(db, "SELECT COUNT(*) FROM assets"), 400, 10_000);
        Assert.InRange(Scalar(db, "SELECT COUNT(DISTINCT source_type_id) FROM assets"), 4, 100);
        Assert.InRange(Scalar(db, "SELECT COUNT(*) FROM usage_readings"), 50_000, 1_000_000);
        Assert.Equal(5, Scalar(db, "SELECT COUNT(DISTINCT aggregation) FROM unit_types"));
        Assert.True(Scalar(db, "SELECT COUNT(*) FROM unit_types WHERE auto_provision = 1 AND filter_pattern <> ''") > 0);
        foreach (var (what, where) in new[]
        {
            ("unassigned", "client_id IS NULL"), ("new", "acknowledged = 0"), ("disregarded", "disregarded = 1"), ("disabled", "enabled = 0"),
            ("unbound", "client_id IS NOT NULL AND id NOT IN (SELECT asset_id FROM bucket_assets)"),
            ("silent for the last two days", $"last_seen_at < '{SampleDatabase.DefaultAnchor.AddDays(-2):yyyy-MM-dd}'"),
        })
            Assert.True(Scalar(db, $"SELECT COUNT(*) FROM assets WHERE {where}") > 0, $"some assets are {what}");
        Assert.Equal(new[] { "Exact", "Glob", "Regex" }, Rows(db, "SELECT DISTINCT type FROM ingest_suppressions ORDER BY type"));

        var statuses = LastMonthStatus.ByClient(db, SampleDatabase.DefaultAnchor).Values.ToList();
        foreach (var status in new[] { "Over", "Under", "Mixed" })
            Assert.True(statuses.Count(s => s == status) >= 3, $"at least three {status} clients last month: {string.Join(", ", statuses)}");
    }

    [Fact]
    public void RollupsAndReadingsAgree()
    {
        using var db = Open(_samples.First);
        var window = (From: SampleDatabase.DefaultAnchor.AddDays(-90), To: SampleDatabase.DefaultAnchor);
        Assert.Equal(new[] { "1|1" }, Rows(db, $"""
            SELECT MIN(timestamp_ms) >= {new DateTimeOffset(window.From).ToUnixTimeMilliseconds()},
                   MAX(ingested_at_ms) < {new DateTimeOffset(window.To).ToUnixTimeMilliseconds()} FROM usage_readings
            """));
        Assert.Equal(Rows(db, "SELECT COUNT(*), ROUND(SUM(value), 2) FROM usage_readings"),
            Rows(db, "SELECT SUM(\"count\"), ROUND(SUM(\"sum\"), 2) FROM usage_daily_rollups"));
        // The rollup's last value is the day's latest reading.
        Assert.Equal(0, Scalar(db, """
            SELECT COUNT(*) FROM usage_daily_rollups d
            WHERE d.last_value <> (SELECT r.value FROM usage_readings r WHERE r.asset_id = d.asset_id AND r.unit_type_id = d.unit_type_id
                                   AND r.timestamp_ms = d.last_timestamp_ms ORDER BY r.id DESC LIMIT 1)
            """));
    }

    [Fact]
    public void AlertsHaveClientsInAlarmAndEveryCrossingItsDeliveriesLogged()
    {
        using var db = Open(_samples.First);
        Assert.True(Scalar(db, "SELECT COUNT(DISTINCT type) FROM alerts WHERE archived_at IS NULL") >= 5, "several alert types");
        Assert.True(Scalar(db, "SELECT COUNT(*) FROM alerts WHERE client_id IS NULL") >= 1, "an alert for all clients");
        Assert.True(Scalar(db, "SELECT COUNT(*) FROM alerts WHERE client_id IS NOT NULL") >= 1, "an alert for one client");
        Assert.Equal(new[] { "Hard", "Soft" }, Rows(db, "SELECT DISTINCT severity FROM alerts ORDER BY severity"));
        Assert.InRange(Scalar(db, "SELECT COUNT(DISTINCT client_id) FROM alert_client_states WHERE status = 'InAlarm'"), 3, 25);
        Assert.True(Scalar(db, """
            SELECT COUNT(*) FROM alert_client_states s JOIN alerts a ON a.id = s.alert_id WHERE s.status = 'InAlarm' AND a.severity = 'Hard'
            """) >= 1, "a client in a hard alarm");
        Assert.True(Scalar(db, "SELECT COUNT(*) FROM alert_client_states WHERE status = 'Ok'") > 0, "clients not in alarm");
        // One notification per alarm, each with its deliveries: mail and webhook, a retry, a 410 that disabled an endpoint.
        Assert.Equal(Scalar(db, "SELECT COUNT(*) FROM alert_client_states WHERE status = 'InAlarm'"), Scalar(db, "SELECT COUNT(*) FROM alert_notifications"));
        Assert.Equal(0, Scalar(db, "SELECT COUNT(*) FROM alert_notifications WHERE id NOT IN (SELECT notification_id FROM alert_delivery_attempts)"));
        Assert.Equal(new[] { "Email", "Webhook" }, Rows(db, "SELECT DISTINCT channel FROM alert_delivery_attempts WHERE success = 1 ORDER BY channel"));
        Assert.True(Scalar(db, "SELECT COUNT(*) FROM alert_delivery_attempts WHERE attempt = 2 AND success = 1") > 0, "a delivery after a retry");
        Assert.Equal(new[] { "410|0" }, Rows(db, """
            SELECT a.status_code, e.enabled FROM alert_delivery_attempts a JOIN webhook_endpoints e ON e.id = a.webhook_endpoint_id WHERE a.status_code = 410
            """));
        // Nothing for a running console's sweep to send: every target's last attempt is final.
        Assert.Equal(0, Scalar(db, """
            SELECT COUNT(*) FROM alert_delivery_attempts a
            WHERE a.attempt = (SELECT MAX(b.attempt) FROM alert_delivery_attempts b WHERE b.notification_id = a.notification_id
                               AND b.channel = a.channel AND b.webhook_endpoint_id IS a.webhook_endpoint_id)
              AND (a.success = 0 AND (a.error IS NULL OR a.next_attempt_at IS NOT NULL))
            """));
        // No real host is ever contacted from the sample's endpoints.
        Assert.Equal(0, Scalar(db, "SELECT COUNT(*) FROM webhook_endpoints WHERE url NOT LIKE 'https://%.invalid/%'"));
    }

    [Fact]
    public void MonitorsCoverBothSourcesAndAnApiKeyMadeConfigurationChanges()
    {
        using var db = Open(_samples.First);
        Assert.Equal(new[] { "Contract", "UsageAggregate" }, Rows(db, "SELECT DISTINCT source FROM monitors ORDER BY source"));
        var byKey = Rows(db, """
            SELECT DISTINCT e."table", e.actor FROM audit_entries e JOIN api_keys k ON k.id = e.api_key_id ORDER BY e."table"
            """);
        Assert.Equal(new[] { "alerts", "clients", "webhook_endpoints" }, byKey.Select(r => r.Split('|')[0]));
        Assert.All(byKey, r => Assert.StartsWith($"apikey:{SampleAlerts.ProvisioningKeyName} (", r.Split('|')[1]));
    }

    [Fact]
    public void DemoUsersSignInWithTheDocumentedPassword()
    {
        using var db = Open(_samples.First);
        DemoUsers.AssertSignIn(db);
    }

    [Fact]
    public void ForceReplacesAnExistingFileWithOneCompleteDatabase()
    {
        using var db = Open(_samples.Second);
        Assert.True(Scalar(db, "SELECT COUNT(*) FROM clients") > 0, "the placeholder was replaced by the sample");
        Assert.Equal(new[] { "delete" }, Rows(db, "PRAGMA journal_mode"));
        Assert.Equal(new[] { "first.db", "second.db" }, Directory.GetFiles(_samples.Folder).Select(Path.GetFileName).Order());
    }
}
