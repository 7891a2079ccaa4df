using MeteringConsole.Api;
using MeteringConsole.Common;

namespace MeteringConsole.Features.Clients;

public static class ClientEndpoints
{
    public sealed record ClientBody(string? Name, bool? Enabled, string[]? AlertEmails);

    public static RouteGroupBuilder MapClientEndpoints(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/clients").WithTags("Clients");
        g.MapGet("/", async (ClientService clients, string? search, bool? enabled, int? skip, int? take, string? order_by) =>
        {
            var page = new PageRequest(skip ?? 0, take ?? 100, order_by);
            var result = await clients.ListAsync(new ClientFilter(search, enabled), page);
            return new ApiPage<ClientRow>(result.Items, result.Total, page.SafeSkip, page.SafeTake);
        });
        g.MapGet("/{id:int}", (ClientService clients, int id) => clients.GetAsync(id));
        g.MapPost("/", async (ClientService clients, ClientBody body) =>
        {
            var created = await clients.CreateAsync(ToInput(body));
            return Results.Created($"{ApiRegistration.Prefix}/clients/{created.Id}", created);
        });
        g.MapPut("/{id:int}", (ClientService clients, int id, ClientBody body) => clients.UpdateAsync(id, ToInput(body)));
        g.MapDelete("/{id:int}", async (ClientService clients, int id) =>
        {
            await clients.DeleteAsync(id);
            return Results.NoContent();
        });
        return api;
    }

    private static ClientInput ToInput(ClientBody body) => new(body.Name ?? "", body.Enabled ?? true, body.AlertEmails);
}
