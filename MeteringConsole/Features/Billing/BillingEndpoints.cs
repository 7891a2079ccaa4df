using System.Text.Json;
using MeteringConsole.Api;
using MeteringConsole.Common;
using MeteringConsole.Features.Clients;

namespace MeteringConsole.Features.Billing;

public static class BillingEndpoints
{
    public sealed record RunBody(string? PeriodStart);

    public static RouteGroupBuilder MapBillingEndpoints(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/billing").WithTags("Billing");
        g.MapPost("/runs", async (BillingRunService runs, RunBody? body) =>
        {
            var run = await runs.QueueAsync(body?.PeriodStart);
            return Results.Accepted($"{ApiRegistration.Prefix}/billing/runs/{run.Id}", run);
        }).WithDescription("Queues a billing run of the period named by its start date; answers 202 with the run's id and status.").RequireUnscopedKey();
        g.MapGet("/runs", async (BillingRunService runs, int? skip, int? take) =>
        {
            var page = new PageRequest(skip ?? 0, take ?? 100);
            var result = await runs.ListAsync(page);
            return new ApiPage<BillingRunView>(result.Items, result.Total, page.SafeSkip, page.SafeTake);
        }).WithDescription("Billing runs, newest first.").RequireUnscopedKey();
        g.MapGet("/runs/{id:int}", (BillingRunService runs, int id) => runs.GetAsync(id)).RequireUnscopedKey();
        g.MapGet("/readings", async (BillingReadingService readings, string? period_start, int? client_id, string? source, int? skip, int? take) =>
        {
            var page = new PageRequest(skip ?? 0, take ?? 500);
            var result = await readings.ReadingsAsync(period_start, client_id, source, page);
            return new ApiPage<BillingReadingRow>(result.Items, result.Total, page.SafeSkip, page.SafeTake);
        });
        g.MapGet("/periods", (BillingReadingService readings) => readings.PeriodsAsync()).WithDescription("Billed periods, newest first.");
        g.MapPost("/periods/{period_start}/finalize", (BillingReadingService readings, string period_start) => readings.FinalizeAsync(period_start))
            .WithDescription("Finalizes a billed period: later runs of it answer 409 and ingest refuses late readings into it.").RequireUnscopedKey();
        g.MapGet("/export", async (BillingExport export, string? period_start, string? source) =>
        {
            var file = await export.CreateAsync(period_start, source);
            return Results.File(file.Content, file.ContentType, file.FileName);
        }).WithDescription("CSV of a billed period (the most recent when period_start is left out): one file per source type, a zip when several.");

        var buckets = api.MapGroup("/buckets").WithTags("Buckets");
        buckets.MapGet("/", async (BucketService service, int? client_id, string? source_type, string? unit_type, bool? reviewed, bool? enabled,
            string? search, int? skip, int? take, string? order_by) =>
        {
            var page = new PageRequest(skip ?? 0, take ?? 100, order_by);
            var result = await service.ListAsync(new BucketFilter(client_id, source_type, unit_type, reviewed, enabled, search), page);
            return new ApiPage<BucketRow>(result.Items, result.Total, page.SafeSkip, page.SafeTake);
        });
        buckets.MapGet("/{id:int}", (BucketService service, int id) => service.GetAsync(id));
        buckets.MapPost("/", async (BucketService service, BucketBody body) =>
        {
            var created = await service.CreateAsync(body.ForCreate());
            return Results.Created($"{ApiRegistration.Prefix}/buckets/{created.Id}", created);
        });
        buckets.MapPut("/{id:int}", async (BucketService service, int id, BucketBody body) => await service.UpdateAsync(id, body.Over(await service.GetAsync(id))))
            .WithDescription("Fields left out of the body keep their current value; asset_ids, when given, replaces the bound assets.");
        buckets.MapDelete("/{id:int}", async (BucketService service, int id) =>
        {
            await service.DeleteAsync(id);
            return Results.NoContent();
        });
        api.MapGet("/clients/{id:int}/buckets", async (BucketService service, ClientService clients, int id) =>
        {
            await clients.GetAsync(id);
            var result = await service.ListAsync(new BucketFilter(ClientId: id), new PageRequest(0, 500, "Name"));
            return new ApiPage<BucketRow>(result.Items, result.Total, 0, 500);
        }).WithTags("Buckets");
        return api;
    }

    public sealed record BucketBody(int? ClientId, string? Name, string? SourceType, string? UnitType, string? Aggregation, decimal? Commit,
        decimal? BaseRate, decimal? OverageRate, bool? Reviewed, bool? Enabled, string[]? AssetIds, string? StartsOn = null)
    {
        /// <summary>
        /// A date, or null for open-ended; left out of a PUT it keeps its value, hence not a plain
        /// string. A property rather than a parameter: OpenAPI cannot describe an undefined JsonElement default.
        /// </summary>
        public JsonElement EndsOn { get; init; }

        /// <summary>
        /// A new bucket: aggregation and rates left out come from the unit type's template; commit
        /// defaults to 0; a bucket a person creates counts as reviewed.
        /// </summary>
        public BucketInput ForCreate() => new(ClientId ?? 0, Name, SourceType, UnitType, Aggregation, Commit ?? 0, BaseRate, OverageRate,
            Reviewed ?? true, Enabled ?? true, AssetIds, StartsOn, EndsOnText(null));

        /// <summary>An edit: left-out fields keep their current value.</summary>
        public BucketInput Over(BucketRow current) => new(ClientId ?? current.ClientId, Name ?? current.Name, SourceType ?? current.SourceType,
            UnitType ?? current.UnitType, Aggregation ?? BillingMath.Name(current.Aggregation), Commit ?? current.Commit,
            BaseRate ?? current.BaseRate, OverageRate ?? current.OverageRate, Reviewed ?? current.Reviewed, Enabled ?? current.Enabled, AssetIds,
            StartsOn ?? BucketService.DateText(current.StartsOn), EndsOnText(current.EndsOn));

        /// <summary>Left out: the current value; null: open-ended; anything else goes to validation as text ("ends_on" errors).</summary>
        private string? EndsOnText(DateOnly? current) => EndsOn.ValueKind switch
        {
            JsonValueKind.Undefined => current is DateOnly d ? BucketService.DateText(d) : null,
            JsonValueKind.Null => null,
            JsonValueKind.String => EndsOn.GetString() is { Length: > 0 } text ? text : null,
            _ => EndsOn.GetRawText(),
        };
    }
}
