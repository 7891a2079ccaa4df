using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MeteringConsole.Domain;

namespace MeteringConsole.Tests.Features.Alerts;

/// <summary>
/// The whole path over real sockets: usage ingested over HTTP crosses a spend threshold, the
/// coalesced Hangfire evaluation notices, one mail reaches an SMTP listener on 127.0.0.1 and one
/// signed webhook a loopback HTTP listener, which answers 500 the first time so the retry comes.
/// </summary>
public sealed class AlertDeliveryEndToEndTests
{
    [Fact]
    public async Task ACrossingByIngestSendsOneMailAndOneSignedWebhookRetriedAfterA500()
    {
        await using var smtp = new SmtpListener();
        using var hooks = new WebhookReceiver();
        hooks.Answers.Enqueue(500);
        await using var api = new ApiFactory
        {
            Settings =
            {
                ["Smtp:Host"] = "127.0.0.1", ["Smtp:Port"] = smtp.Port.ToString(), ["Smtp:From"] = "alerts@provider.test",
                ["Webhooks:RetryDelays"] = "00:00:01,00:00:01",
            },
        };
        _ = api.Server;
        var admin = await api.ClientWithKeyAsync(ApiKeyRole.Admin);
        var client = await IdAsync(await admin.PostAsJsonAsync("/api/v1/clients", new { name = "Acme Corp", alert_emails = new[] { "ops@acme.test" } }));
        await Ok(await admin.PostAsJsonAsync("/api/v1/unit-types", new { name = "vcpu-hours", aggregation = "sum", base_rate = 1, overage_rate = 1.5 }));
        await Ok(await IngestAsync(admin, "e1", 80, client));
        await Ok(await admin.PostAsJsonAsync("/api/v1/buckets", new
        {
            client_id = client, name = "Compute", source_type = "vmware", unit_type = "vcpu-hours", commit = 100, base_rate = 1, overage_rate = 1.5,
            asset_ids = new[] { "vm-1" },
        }));
        var webhook = await Ok(await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = hooks.Url, description = "ops" }));
        hooks.Secret = webhook.GetProperty("secret").GetString();
        var alert = await IdAsync(await admin.PostAsJsonAsync("/api/v1/alerts", new
        {
            alert_type = "spend_threshold_reached", name = "Hard spend limit", threshold = 100, client_id = client, severity = "hard",
            extra_recipients = new[] { "finance@provider.test" },
        }));
        // 80 units = 80.00 spent: evaluated on creation, ok.
        Assert.Equal("ok", (await Ok(await admin.GetAsync($"/api/v1/customer-alerts/{alert}?client_id={client}"))).GetProperty("status").GetString());

        // 30 more: 100.00 up to commit + 10 × 1.50 = 115.00.
        var crossing = Stopwatch.StartNew();
        await Ok(await IngestAsync(admin, "e2", 30, client));
        var mail = Assert.Single(await smtp.WaitForAsync(1, TimeSpan.FromSeconds(10)));
        Assert.True(crossing.Elapsed < TimeSpan.FromSeconds(10), $"The mail came {crossing.Elapsed.TotalSeconds:0.0} s after the batch.");
        var requests = await hooks.WaitForAsync(2, TimeSpan.FromSeconds(30));

        // Still in alarm after another batch: nothing more is sent.
        await Ok(await IngestAsync(admin, "e3", 5, client));
        await Task.Delay(TimeSpan.FromSeconds(4));
        Assert.Single(smtp.Received);
        Assert.Equal(2, hooks.Received.Count);

        Assert.Equal("[HARD] Hard spend limit: Acme Corp at 115.00 USD", mail.Subject);
        Assert.Equal(new[] { "ops@acme.test", "finance@provider.test" }, Assert.Single(smtp.Received).Recipients);
        Assert.Contains("Threshold: 100.00 USD", mail.TextBody);
        Assert.Contains("<td>Acme Corp</td>", mail.HtmlBody);

        Assert.Equal(new[] { 500, 200 }, requests.Select(r => r.AnsweredWith));
        Assert.All(requests, r => Assert.True(r.SignatureValid, $"Signature {r.Signature} did not verify."));
        Assert.Single(requests.Select(r => r.Id).Distinct());
        using var payload = JsonDocument.Parse(requests[1].Body);
        var root = payload.RootElement;
        Assert.Equal(("alert.triggered", requests[1].Id), (root.GetProperty("type").GetString(), root.GetProperty("id").GetString()));
        var data = root.GetProperty("data");
        Assert.Equal((alert, "Hard spend limit", "spend_threshold_reached", "hard"), (data.GetProperty("alert_id").GetInt32(),
            data.GetProperty("alert_name").GetString(), data.GetProperty("alert_type").GetString(), data.GetProperty("severity").GetString()));
        Assert.Equal((client, "Acme Corp", 100m, 115m, "2026-11-01", "USD"), (data.GetProperty("client_id").GetInt32(),
            data.GetProperty("client_name").GetString(), data.GetProperty("threshold").GetDecimal(), data.GetProperty("value").GetDecimal(),
            data.GetProperty("period_start").GetString(), data.GetProperty("currency").GetString()));

        // The notification log has every attempt.
        var notification = Assert.Single((await Ok(await admin.GetAsync($"/api/v1/alerts/{alert}/notifications"))).EnumerateArray());
        var attempts = notification.GetProperty("attempts").EnumerateArray()
            .Select(a => (Channel: a.GetProperty("channel").GetString()!, Attempt: a.GetProperty("attempt").GetInt32(), Success: a.GetProperty("success").GetBoolean(),
                Status: a.GetProperty("status_code").ValueKind == JsonValueKind.Null ? (int?)null : a.GetProperty("status_code").GetInt32()))
            .OrderBy(a => a.Channel).ThenBy(a => a.Attempt).ToList();
        Assert.Equal(new[] { ("email", 1, true, (int?)null), ("webhook", 1, false, 500), ("webhook", 2, true, 200) }, attempts);
        var state = await Ok(await admin.GetAsync($"/api/v1/customer-alerts/{alert}?client_id={client}"));
        Assert.Equal(("in_alarm", 115m, 122.5m), (state.GetProperty("status").GetString(), state.GetProperty("value").GetDecimal(),
            state.GetProperty("current_value").GetDecimal()));
    }

    private static Task<HttpResponseMessage> IngestAsync(HttpClient http, string eventId, double value, int client)
        => http.PostAsJsonAsync("/api/v1/usage", new[]
        {
            new { event_id = eventId, timestamp = "2026-11-10T09:00:00Z", source = "vmware", asset_id = "vm-1", unit_type = "vcpu-hours", value, client_id = client },
        });

    private static async Task<JsonElement> Ok(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<int> IdAsync(HttpResponseMessage response) => (await Ok(response)).GetProperty("id").GetInt32();
}
