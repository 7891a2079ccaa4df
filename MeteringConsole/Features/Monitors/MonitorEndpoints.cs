using MeteringConsole.Api;
using MeteringConsole.Common;

namespace MeteringConsole.Features.Monitors;

public static class MonitorEndpoints
{
    public sealed record MonitorBody(string? Name, string? Description, string? Source, string? Item, int? BucketId, string? UnitType,
        string? Aggregation)
    {
        public MonitorInput ToInput() => new(Name, Description, Source, Item, BucketId, UnitType, Aggregation);
    }

    public static RouteGroupBuilder MapMonitorEndpoints(this RouteGroupBuilder api)
    {
        var monitors = api.MapGroup("/monitors").WithTags("Monitors");
        monitors.MapGet("/", async (MonitorService service, int? skip, int? take) =>
        {
            var page = new PageRequest(skip ?? 0, take ?? 100);
            var result = await service.ListAsync(page);
            return new ApiPage<MonitorRow>(result.Items, result.Total, page.SafeSkip, page.SafeTake);
        }).WithSummary("Monitors, by name.");
        monitors.MapPost("/", async (MonitorService service, MonitorBody body) =>
        {
            var created = await service.CreateAsync(body.ToInput());
            return Results.Created($"{ApiRegistration.Prefix}/monitors/{created.Id}", created);
        }).WithSummary("Creates a monitor: source contract (with item) or usage_aggregate (with unit_type, aggregation); bucket_id optional.");
        monitors.MapGet("/{id:int}", (MonitorService service, int id) => service.GetAsync(id));
        monitors.MapPut("/{id:int}", (MonitorService service, int id, MonitorBody body) => service.UpdateAsync(id, body.ToInput()))
            .WithSummary("Changes a monitor; fields left out keep their values.");
        monitors.MapDelete("/{id:int}", async (MonitorService service, int id) =>
        {
            await service.DeleteAsync(id);
            return Results.NoContent();
        });
        monitors.MapGet("/{id:int}/values", (MonitorValues values, int id, int? client_id, DateOnly? from, DateOnly? to, string? mode,
                CancellationToken ct) => values.ValuesAsync(id, client_id, from, to, mode, ct))
            .WithSummary("The monitor's daily series {date, value} for a client: net (value at the end of each day) or increment (change from the day before).");
        return api;
    }
}
