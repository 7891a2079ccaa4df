using MeteringConsole.Api;
using MeteringConsole.Common;

namespace MeteringConsole.Features.UnitTypes;

public static class UnitTypeEndpoints
{
    public sealed record UnitTypeBody(string? Name, string? Description, string? Aggregation, bool? AutoProvision,
        decimal? BaseRate, decimal? OverageRate, string? FilterPattern)
    {
        /// <summary>A new unit type: left-out fields take the defaults (sum, no auto-provisioning, zero rates).</summary>
        public UnitTypeInput ForCreate() => new(Name ?? "", Description, Aggregation ?? "sum", AutoProvision ?? false,
            BaseRate ?? 0, OverageRate ?? 0, FilterPattern);

        /// <summary>An edit: left-out fields keep their current value, so a PUT of one rate cannot zero the other.</summary>
        public UnitTypeInput Over(UnitTypeRow current) => new(Name ?? current.Name, Description ?? current.Description,
            Aggregation ?? UnitTypeService.Name(current.Aggregation), AutoProvision ?? current.AutoProvision,
            BaseRate ?? current.BaseRate, OverageRate ?? current.OverageRate, FilterPattern ?? current.FilterPattern);
    }

    public static RouteGroupBuilder MapUnitTypeEndpoints(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/unit-types").WithTags("Unit types");
        g.MapGet("/", async (UnitTypeService unitTypes, string? search, int? skip, int? take, string? order_by) =>
        {
            var page = new PageRequest(skip ?? 0, take ?? 100, order_by);
            var result = await unitTypes.ListAsync(new UnitTypeFilter(search), page);
            return new ApiPage<UnitTypeRow>(result.Items, result.Total, page.SafeSkip, page.SafeTake);
        });
        g.MapPost("/", async (UnitTypeService unitTypes, UnitTypeBody body) =>
        {
            var created = await unitTypes.CreateAsync(body.ForCreate());
            return Results.Created($"{ApiRegistration.Prefix}/unit-types/{created.Id}", created);
        }).RequireUnscopedKey();
        g.MapPut("/{id:int}", async (UnitTypeService unitTypes, int id, UnitTypeBody body)
            => await unitTypes.UpdateAsync(id, body.Over(await unitTypes.GetAsync(id))))
            .WithDescription("Fields left out of the body keep their current value.").RequireUnscopedKey();
        return api;
    }
}
