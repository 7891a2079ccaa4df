using MeteringConsole.Api;
using MeteringConsole.Common;

namespace MeteringConsole.Features.Clients;

public static class ClientEndpoints
{
    public sealed record ClientBody(string? Name, bool? Enabled, string[]? AlertEmails)
    {
        /// <summary>A new client: enabled unless the body says otherwise, no alert emails unless given.</summary>
        public ClientInput ForCreate() => new(Name ?? "", Enabled ?? true, AlertEmails);

        /// <summary>An edit: left-out fields keep their current value, so a rename cannot re-enable a client or wipe its emails.</summary>
        public ClientInput Over(ClientRow current) => new(Name ?? current.Name, Enabled ?? current.Enabled, AlertEmails ?? current.AlertEmails);
    }

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
            var created = await clients.CreateAsync(body.ForCreate());
            return Results.Created($"{ApiRegistration.Prefix}/clients/{created.Id}", created);
        }).RequireUnscopedKey();
        g.MapPut("/{id:int}", async (ClientService clients, int id, ClientBody body) => await clients.UpdateAsync(id, body.Over(await clients.GetAsync(id))))
            .WithDescription("Fields left out of the body keep their current value; alert_emails, when given, replaces the list.");
        g.MapDelete("/{id:int}", async (ClientService clients, int id) =>
        {
            await clients.DeleteAsync(id);
            return Results.NoContent();
        }).RequireUnscopedKey();
        return api;
    }
}
