using MeteringConsole.Common;

namespace MeteringConsole.Features.OverUnder;

public static class OverUnderEndpoints
{
    public static RouteGroupBuilder MapOverUnderEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/over-under", async (OverUnderService service, string? period_start, string? status, string? unit_type, int? skip, int? take,
            string? order_by) =>
        {
            var query = new OverUnderQuery(period_start, ParseFilter(status), unit_type, skip ?? 0, take ?? OverUnderService.MaxTake, order_by);
            return await service.ReportAsync(query)
                ?? throw new NotFoundException("Billed period", string.IsNullOrWhiteSpace(period_start) ? "(latest)" : period_start);
        })
        .WithTags("Billing")
        .WithDescription("Over/Under of a billed period (the latest closed one when period_start is left out): each client against its commits, "
            + "right-size candidates, by unit type and the 12-period trend. status = all|over|under|mixed filters the clients; unit_type scopes every figure.");
        return api;
    }

    public static OverUnderFilter ParseFilter(string? status) => (status ?? "all").Trim().ToLowerInvariant() switch
    {
        "" or "all" => OverUnderFilter.All,
        "over" => OverUnderFilter.Over,
        "under" => OverUnderFilter.Under,
        "mixed" => OverUnderFilter.Mixed,
        _ => throw new ValidationException("status", "Status must be one of all, over, under or mixed."),
    };
}
