using MeteringConsole.Api;
using MeteringConsole.Common;

namespace MeteringConsole.Features.Alerts;

public static class AlertEndpoints
{
    public sealed record AlertBody(string? AlertType, string? Name, decimal? Threshold, int? ClientId, string? UnitType, string? Window,
        string? Direction, string? Severity, List<string>? Channels, List<string>? ExtraRecipients)
    {
        public AlertInput ToInput() => new(AlertType, Name, Threshold, ClientId, UnitType, Window, Direction, Severity, Channels, ExtraRecipients);
    }

    public sealed record WebhookBody(string? Url, string? Description);

    public static RouteGroupBuilder MapAlertEndpoints(this RouteGroupBuilder api)
    {
        var alerts = api.MapGroup("/alerts").WithTags("Alerts");
        alerts.MapGet("/", async (AlertService service, int? client_id, bool? include_archived, string? search, int? skip, int? take, string? order_by) =>
        {
            var page = new PageRequest(skip ?? 0, take ?? 100, order_by);
            var result = await service.ListAsync(new AlertFilter(client_id, include_archived ?? false, search), page);
            return new ApiPage<AlertRow>(result.Items, result.Total, page.SafeSkip, page.SafeTake);
        }).WithSummary("Alerts (active ones unless include_archived), each with its clients in alarm; client_id: those that apply to that client.");
        alerts.MapPost("/", async (AlertService service, AlertBody body) =>
        {
            var created = await service.CreateAsync(body.ToInput());
            return Results.Created($"{ApiRegistration.Prefix}/alerts/{created.Id}", created);
        }).WithSummary("Creates an alert and evaluates it at once. Fields a type does not use must be left out.");
        alerts.MapGet("/{id:int}", (AlertService service, int id) => service.GetAsync(id));
        alerts.MapPost("/{id:int}/archive", (AlertService service, int id) => service.ArchiveAsync(id))
            .WithSummary("Archives an alert: it stops evaluating and notifies nothing. A changed limit is a new alert.");
        alerts.MapGet("/{id:int}/notifications", (AlertStateService states, int id) => states.NotificationsAsync(id))
            .WithSummary("The alert's notifications (newest first), each with every delivery attempt.");

        var customer = api.MapGroup("/customer-alerts").WithTags("Alerts");
        customer.MapGet("/", (AlertStateService states, int? client_id) => states.CustomerAlertsAsync(client_id))
            .WithSummary("Each client's state for every active alert that applies to it: status ok or in_alarm, value, threshold, triggered_at, period_start.");
        customer.MapGet("/{alert_id:int}", (AlertStateService states, int alert_id, int? client_id) => states.CustomerAlertAsync(alert_id, client_id))
            .WithSummary("One client's state for one alert (client_id may be left out for an alert on one client).");

        var webhooks = api.MapGroup("/webhooks").WithTags("Alerts");
        webhooks.MapGet("/", (WebhookService service) => service.ListAsync());
        webhooks.MapPost("/", async (WebhookService service, WebhookBody body) =>
        {
            var created = await service.CreateAsync(new WebhookInput(body.Url, body.Description));
            return Results.Created($"{ApiRegistration.Prefix}/webhooks/{created.Id}", created);
        }).WithSummary("Registers an endpoint; the answer carries its signing secret (whsec_…), shown this once.");
        webhooks.MapDelete("/{id:int}", async (WebhookService service, int id) =>
        {
            await service.DeleteAsync(id);
            return Results.NoContent();
        });
        webhooks.MapPost("/{id:int}/test", (WebhookService service, int id, CancellationToken ct) => service.SendTestAsync(id, ct))
            .WithSummary("POSTs a signed webhook.test message to the endpoint and returns what it answered.");
        return api;
    }
}
