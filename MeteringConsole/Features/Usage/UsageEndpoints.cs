using System.Text.Json;
using MeteringConsole.Api;
using Microsoft.AspNetCore.Mvc;

namespace MeteringConsole.Features.Usage;

public static class UsageEndpoints
{
    public static RouteGroupBuilder MapUsageEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/usage", IngestAsync)
            .WithTags("Usage")
            .WithSummary("Send one usage event or a batch of 1–10,000.")
            .WithDescription("Idempotent on event_id. The whole batch is validated first: any invalid event refuses it with 400 and per-event errors, storing nothing. Over 10,000 events or 5 MB: 413.")
            .Accepts<JsonElement>("application/json")
            .Produces<IngestResult>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .WithMetadata(new RequestSizeLimitAttribute(UsageLimits.MaxBodyBytes));

        api.MapGet("/clients/{id:int}/usage", (UsageReadService usage, int id, DateOnly? from, DateOnly? to, string? unit_type, CancellationToken ct)
                => usage.ClientDailyAsync(id, from, to, unit_type, ct))
            .WithTags("Usage")
            .WithSummary("Daily usage series of a client's assets, per unit type (dates in the billing time zone, both ends included).");
        return api;
    }

    private static async Task<IResult> IngestAsync(HttpRequest request, IngestService ingest, CancellationToken ct)
    {
        if (request.ContentLength > UsageLimits.MaxBodyBytes) return TooLarge($"The body is larger than {UsageLimits.MaxBodyBytes / (1024 * 1024)} MB.");
        JsonDocument body;
        try
        {
            body = await JsonDocument.ParseAsync(request.Body, default, ct);
        }
        catch (JsonException e)
        {
            return Rejected(new[] { new UsageEventError(0, null, "body", $"The body is not valid JSON: {e.Message}") });
        }
        using (body)
        {
            try
            {
                return Results.Ok(await ingest.IngestJsonAsync(body.RootElement, ct));
            }
            catch (UsageBatchRejectedException e)
            {
                return Rejected(e.Errors);
            }
            catch (UsageBatchTooLargeException e)
            {
                return TooLarge(e.Message);
            }
        }
    }

    private static IResult Rejected(IReadOnlyList<UsageEventError> errors)
        => Results.Problem(statusCode: 400, title: "The batch was refused; nothing was stored.",
            detail: $"{errors.Count} problem(s) in the batch.",
            extensions: new Dictionary<string, object?> { ["errors"] = errors });

    private static IResult TooLarge(string detail)
        => Results.Problem(statusCode: 413, title: "The request is too large.", detail: detail);
}
