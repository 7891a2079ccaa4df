using AngleSharp.Dom;
using MeteringConsole.Common;
using MeteringConsole.Domain;
using MeteringConsole.Features.Alerts;
using MeteringConsole.Features.Clients;
using MeteringConsole.Tests.Features.Billing;
using Microsoft.EntityFrameworkCore;
using MudBlazor;
using static MeteringConsole.Tests.Features.Billing.BillingFixture;

namespace MeteringConsole.Tests.Components.Alerts;

public sealed class AlertsPageTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    /// <summary>Acme spends 115.00 this period (110 units, commit 100 at 1.00, overage 1.50); Beta 10.00.</summary>
    private static async Task<(int Acme, int Beta)> SeedSpendAsync(TestApp app)
    {
        var data = BillingFixture.For(app);
        var source = await data.SourceAsync("vmware");
        var unit = await data.UnitTypeAsync("vcpu-hours", baseRate: 1, overageRate: 1.5m);
        var acme = await data.ClientAsync("Acme Corp");
        var beta = await data.ClientAsync("Beta Ltd");
        foreach (var (client, used) in new[] { (acme, 110d), (beta, 10d) })
        {
            var asset = await data.AssetAsync(source, $"vm-{client}", client);
            await data.BucketAsync(client, source, unit, Aggregation.Sum, 100, 1, 1.5m, new[] { asset });
            await data.ReadingsAsync(asset, unit, (Utc(2026, 11, 10, 9), used));
        }
        return (acme, beta);
    }

    private static IReadOnlyList<string> Names(IRenderedComponent<AlertsPage> page)
        => page.FindAll(".mc-alerts-grid tbody tr.mud-table-row .mc-name").Select(e => e.TextContent.Trim()).ToList();

    private static IElement Button(IRenderedComponent<MudDialogProvider> dialog, string text)
        => dialog.FindAll("button").First(b => b.TextContent.Trim() == text);

    private static async Task ChooseAsync(PageTestContext ctx, IRenderedComponent<MudDialogProvider> dialog, string input, string item)
    {
        await dialog.InvokeAsync(() => dialog.Find($".mud-select:has(input#{input}) .mud-input-control").MouseDown());
        ctx.Popovers.WaitForAssertion(() => Assert.Contains(ctx.Popovers.FindAll(".mud-popover-open .mud-list-item"), i => i.TextContent.Trim() == item), Wait);
        await ctx.Popovers.InvokeAsync(() => ctx.Popovers.FindAll(".mud-popover-open .mud-list-item").First(i => i.TextContent.Trim() == item).Click());
    }

    [Fact]
    public async Task ViewerSeesEachAlertWithItsClientsInAlarmAndNoEditControls()
    {
        await using var app = await TestApp.CreateAsync();
        var (acme, _) = await SeedSpendAsync(app);
        await app.Service<AlertService>(TestApp.Admin).CreateAsync(new AlertInput("spend_threshold_reached", "HARD spend threshold", 100, null, Severity: "hard"));
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Viewer, app);

        var page = ctx.Render<AlertsPage>();

        page.WaitForAssertion(() => Assert.Equal(new[] { "HARD spend threshold" }, Names(page)), Wait);
        var row = page.Find(".mc-alerts-grid tbody tr.mud-table-row");
        Assert.Contains("All clients", row.TextContent);
        Assert.Contains("100.00 USD", row.TextContent);
        Assert.Equal("Acme Corp", row.QuerySelector(".mc-in-alarm")!.TextContent.Trim());
        Assert.Contains("hard", row.QuerySelector(".mc-severity")!.TextContent);
        Assert.DoesNotContain(page.FindAll("button"), b => b.TextContent.Contains("New alert"));
        Assert.DoesNotContain(page.FindAll("th"), th => th.TextContent.Contains("Actions"));
        Assert.Contains(acme, await ctx.Service<AlertStateService>().HardAlarmClientIdsAsync());
    }

    [Fact]
    public async Task TheCreateDialogShowsOnlyTheFieldsOfTheChosenTypeAndCreatesTheAlert()
    {
        await using var app = await TestApp.CreateAsync();
        await BillingFixture.For(app).UnitTypeAsync("vcpu-hours");
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Operator, app);
        var page = ctx.Render<AlertsPage>();
        page.WaitForAssertion(() => Assert.Contains("Create one with New alert", page.Find(".mc-empty").TextContent), Wait);

        await page.InvokeAsync(() => page.FindAll("button").First(b => b.TextContent.Contains("New alert")).Click());
        var dialog = ctx.Dialogs;
        dialog.WaitForAssertion(() => dialog.Find("input#threshold"), Wait);
        // A spend threshold: money, no unit type, no window.
        Assert.Contains("Threshold (USD)", dialog.Markup);
        Assert.Empty(dialog.FindAll("input#unit_type"));
        Assert.Empty(dialog.FindAll("input#window"));

        await ChooseAsync(ctx, dialog, "alert_type", "Usage change %");
        dialog.WaitForAssertion(() => dialog.Find("input#window"), Wait);
        Assert.NotEmpty(dialog.FindAll("input#unit_type"));
        Assert.NotEmpty(dialog.FindAll("input#direction"));
        Assert.Contains("Threshold (% change)", dialog.Markup);
        await ChooseAsync(ctx, dialog, "unit_type", "vcpu-hours");
        await dialog.InvokeAsync(() => dialog.Find("input#name").Change("Week-over-week swing"));
        await dialog.InvokeAsync(() => dialog.Find("input#threshold").Change("20"));
        await dialog.InvokeAsync(() => Button(dialog, "Create").Click());

        page.WaitForAssertion(() => Assert.Equal(new[] { "Week-over-week swing" }, Names(page)), Wait);
        var saved = (await ctx.Service<AlertService>().ListAsync(new AlertFilter(), new PageRequest())).Items.Single();
        Assert.Equal(("usage_change_percent", 20m, "vcpu-hours", "week", "either", "soft"),
            (saved.AlertType, saved.Threshold, saved.UnitType, saved.Window, saved.Direction, saved.Severity));
        Assert.Equal(new[] { "email", "webhook" }, saved.Channels);
    }

    [Fact]
    public async Task TheDialogShowsTheServicesFieldErrorsAndCreatesNothing()
    {
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Admin);
        var page = ctx.Render<AlertsPage>();
        await page.InvokeAsync(() => page.FindAll("button").First(b => b.TextContent.Contains("New alert")).Click());
        var dialog = ctx.Dialogs;
        dialog.WaitForAssertion(() => dialog.Find("input#name"), Wait);
        await dialog.InvokeAsync(() => dialog.Find("input#extra_recipients").Change("finance@, someone"));
        await dialog.InvokeAsync(() => Button(dialog, "Create").Click());

        dialog.WaitForAssertion(() => Assert.Contains("Name is required", dialog.Markup), Wait);
        Assert.Contains("Threshold is required", dialog.Markup);
        Assert.Contains("is not an email address", dialog.Markup);
        Assert.Equal(0, (await ctx.Service<AlertService>().ListAsync(new AlertFilter(IncludeArchived: true), new PageRequest())).Total);
    }

    [Fact]
    public async Task ArchivingAsksFirstAndAnArchivedAlertCannotBeArchivedAgain()
    {
        await using var app = await TestApp.CreateAsync();
        await app.Service<AlertService>(TestApp.Admin).CreateAsync(new AlertInput("invoice_total_reached", "Invoice 5000", 5000));
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Operator, app);
        var page = ctx.Render<AlertsPage>();
        page.WaitForAssertion(() => Assert.Equal(new[] { "Invoice 5000" }, Names(page)), Wait);
        var service = ctx.Service<AlertService>();

        await page.InvokeAsync(() => page.Find("button[aria-label='Archive Invoice 5000']").Click());
        ctx.Dialogs.WaitForAssertion(() => Assert.Contains("It stops evaluating and sends nothing more", ctx.Dialogs.Markup), Wait);
        await ctx.Dialogs.InvokeAsync(() => Button(ctx.Dialogs, "Cancel").Click());
        Assert.Equal(1, (await service.ListAsync(new AlertFilter(), new PageRequest())).Total);

        await page.InvokeAsync(() => page.Find("button[aria-label='Archive Invoice 5000']").Click());
        ctx.Dialogs.WaitForAssertion(() => Button(ctx.Dialogs, "Archive"), Wait);
        await ctx.Dialogs.InvokeAsync(() => Button(ctx.Dialogs, "Archive").Click());
        page.WaitForAssertion(() => Assert.Empty(Names(page)), Wait);
        Assert.Equal(0, (await service.ListAsync(new AlertFilter(), new PageRequest())).Total);

        await page.InvokeAsync(() => page.Find(".mc-show-archived input").Change(true));
        page.WaitForAssertion(() => Assert.Equal(new[] { "Invoice 5000" }, Names(page)), Wait);
        Assert.NotNull(page.Find(".mc-archived"));
        Assert.True(page.Find("button[aria-label='Archive Invoice 5000']").HasAttribute("disabled"));
    }

    [Fact]
    public async Task AWebhookEndpointsSecretIsShownOnceAndABadUrlIsAFieldError()
    {
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Admin);
        var page = ctx.Render<AlertsPage>();
        await page.InvokeAsync(() => page.FindAll(".mud-tab").First(t => t.TextContent.Contains("Webhook endpoints")).Click());
        page.WaitForAssertion(() => Assert.Contains("No webhook endpoints", page.Markup), Wait);

        await page.InvokeAsync(() => page.FindAll("button").First(b => b.TextContent.Contains("New endpoint")).Click());
        var dialog = ctx.Dialogs;
        dialog.WaitForAssertion(() => dialog.Find("input#url"), Wait);
        await dialog.InvokeAsync(() => dialog.Find("input#url").Change("ftp://hooks.example.com"));
        await dialog.InvokeAsync(() => Button(dialog, "Add").Click());
        dialog.WaitForAssertion(() => Assert.Contains("must be an absolute http:// or https:// address", dialog.Markup), Wait);

        await dialog.InvokeAsync(() => dialog.Find("input#url").Change("https://hooks.example.com/metering"));
        await dialog.InvokeAsync(() => Button(dialog, "Add").Click());
        dialog.WaitForAssertion(() => dialog.Find("[data-testid=webhook-secret]"), Wait);
        var secret = dialog.Find("[data-testid=webhook-secret]").TextContent.Trim();
        Assert.StartsWith("whsec_", secret);
        await dialog.InvokeAsync(() => Button(dialog, "Done").Click());

        page.WaitForAssertion(() => Assert.Contains("https://hooks.example.com/metering", page.Find(".mc-webhooks").TextContent), Wait);
        Assert.DoesNotContain(secret, page.Markup);
        Assert.NotNull(page.Find("button[aria-label='Send test to https://hooks.example.com/metering']"));
    }

    [Fact]
    public async Task TheNotificationLogShowsEveryAttemptWithItsOutcome()
    {
        await using var app = await TestApp.CreateAsync();
        var (acme, _) = await SeedSpendAsync(app);
        var alert = await app.Service<AlertService>(TestApp.Admin).CreateAsync(new AlertInput("spend_threshold_reached", "Spend 100", 100, acme));
        await using (var db = app.Db())
        {
            var notification = await db.AlertNotifications.SingleAsync(n => n.AlertId == alert.Id);
            db.AlertDeliveryAttempts.AddRange(
                new AlertDeliveryAttempt { NotificationId = notification.Id, Channel = NotificationChannel.Webhook, Target = "https://hooks.example.com/x",
                    Attempt = 1, AttemptedAt = TestClock.Now.UtcDateTime, StatusCode = 500, Error = "Answered 500 Internal Server Error.",
                    NextAttemptAt = TestClock.Now.UtcDateTime.AddSeconds(5) },
                new AlertDeliveryAttempt { NotificationId = notification.Id, Channel = NotificationChannel.Webhook, Target = "https://hooks.example.com/x",
                    Attempt = 2, AttemptedAt = TestClock.Now.UtcDateTime.AddSeconds(5), StatusCode = 200, Success = true });
            await db.SaveChangesAsync();
        }
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Viewer, app);
        var page = ctx.Render<AlertsPage>();
        await page.InvokeAsync(() => page.FindAll(".mud-tab").First(t => t.TextContent.Contains("Notification log")).Click());

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll(".mc-notification-log tbody tr.mud-table-row").Count), Wait);
        var rows = page.FindAll(".mc-notification-log tbody tr.mud-table-row").Select(r => r.TextContent).ToList();
        Assert.Contains("delivered (200)", rows[0]);
        Assert.Contains("500: Answered 500", rows[1]);
        Assert.Contains("retry at 2026-11-21 12:00:05", rows[1]);
        Assert.All(rows, r => Assert.Contains("Acme Corp", r));
    }

    [Fact]
    public async Task AClientsPageShowsItsAlertStatesAndTheHardAlarmMark()
    {
        await using var app = await TestApp.CreateAsync();
        var (acme, beta) = await SeedSpendAsync(app);
        var alerts = app.Service<AlertService>(TestApp.Admin);
        await alerts.CreateAsync(new AlertInput("spend_threshold_reached", "HARD spend", 100, null, Severity: "hard"));
        await alerts.CreateAsync(new AlertInput("invoice_total_reached", "Invoice 500", 500, acme));
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Viewer, app);

        var page = ctx.Render<ClientDetailPage>(p => p.Add(x => x.Id, acme));
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll(".mc-client-alerts tbody tr").Count), Wait);
        var hard = page.Find(".mc-client-alerts tr.mc-alarm-row");
        Assert.Contains("HARD spend", hard.TextContent);
        Assert.Contains("115.00 USD", hard.TextContent);
        Assert.Contains("2026-11-21 12:00 UTC", hard.TextContent);
        Assert.Contains("ok", page.FindAll(".mc-client-alerts tbody tr").Single(r => r.TextContent.Contains("Invoice 500")).TextContent);
        Assert.NotNull(page.Find(".mc-client-head .mc-hard-alarm"));

        var other = ctx.Render<ClientDetailPage>(p => p.Add(x => x.Id, beta));
        other.WaitForAssertion(() => Assert.Single(other.FindAll(".mc-client-alerts tbody tr")), Wait);
        Assert.Empty(other.FindAll(".mc-hard-alarm"));

        var list = ctx.Render<ClientsPage>();
        list.WaitForAssertion(() => Assert.Single(list.FindAll(".mc-hard-alarm")), Wait);
        Assert.Contains("Acme Corp", list.FindAll("tbody tr.mud-table-row").Single(r => r.QuerySelector(".mc-hard-alarm") is not null).TextContent);
    }
}
