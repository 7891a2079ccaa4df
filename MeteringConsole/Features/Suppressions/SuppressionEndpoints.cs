using MeteringConsole.Api;
using MeteringConsole.Common;

namespace MeteringConsole.Features.Suppressions;

public static class SuppressionEndpoints
{
    public sealed record SuppressionBody(string? Pattern, string? Type, string? Reason);

    public static RouteGroupBuilder MapSuppressionEndpoints(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/suppressions").WithTags("Ingest suppressions").RequireUnscopedKey();
        g.MapGet("/", async (SuppressionService suppressions, string? search, string? type, int? skip, int? take, string? order_by) =>
        {
            var typeFilter = SuppressionService.ParseType(type);
            if (type is not null && typeFilter is null) throw new ValidationException("type", "Type must be exact, glob or regex.");
            var page = new PageRequest(skip ?? 0, take ?? 100, order_by);
            var result = await suppressions.ListAsync(new SuppressionFilter(search, typeFilter), page);
            return new ApiPage<SuppressionRow>(result.Items, result.Total, page.SafeSkip, page.SafeTake);
        });
        g.MapPost("/", async (SuppressionService suppressions, SuppressionBody body) =>
        {
            var created = await suppressions.CreateAsync(new SuppressionInput(body.Pattern ?? "", body.Type, body.Reason));
            return Results.Created($"{ApiRegistration.Prefix}/suppressions/{created.Id}", created);
        });
        g.MapDelete("/{id:int}", async (SuppressionService suppressions, int id) =>
        {
            await suppressions.DeleteAsync(id);
            return Results.NoContent();
        });
        return api;
    }
}
