using MeteringConsole.Api;
using MeteringConsole.Features.Jobs;

namespace MeteringConsole.Features.Projections;

public static class ProjectionEndpoints
{
    public static RouteGroupBuilder MapProjectionEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/projections/runs", async (ProjectionService projections) =>
        {
            var run = await projections.QueueAsync();
            return Results.Accepted($"{ApiRegistration.Prefix}/projections/runs/{run.Id}", run);
        }).WithTags("Projections").WithDescription("Projects the open period now; answers 202 with the run's id and status.").RequireUnscopedKey();
        api.MapGet("/projections/runs/{id:long}", async (ProjectionService projections, long id) =>
        {
            var run = await projections.GetRunAsync(id);
            return run.JobName == JobNames.Projections ? Results.Ok(run) : Results.Problem(statusCode: 404, title: "Not found.", detail: $"Projection run {id} was not found.");
        }).WithTags("Projections").RequireUnscopedKey();
        api.MapGet("/clients/{id:int}/projections", (ProjectionService projections, int id) => projections.ForClientAsync(id)).WithTags("Projections");
        return api;
    }
}
