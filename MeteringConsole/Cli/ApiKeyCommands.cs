using MeteringConsole.Common;
using MeteringConsole.Data;
using MeteringConsole.Domain;
using MeteringConsole.Features.ApiKeys;

namespace MeteringConsole.Cli;

internal static class ApiKeyCommands
{
    /// <summary><c>apikey create --name N --role R [--client ID]</c>; the secret is the last line printed.</summary>
    public static async Task<int> CreateAsync(IServiceProvider services, Command command)
    {
        CommandLine.RequireOnly(command, "name", "role", "client");
        var v = new Validator();
        var roleText = command.Option("role") ?? "";
        v.Check(Enum.TryParse<ApiKeyRole>(roleText, ignoreCase: true, out var role) && Enum.IsDefined(role) && !int.TryParse(roleText, out _),
            "role", "Role must be Admin, Ingest or ReadOnly.");
        int? client = null;
        if (command.Option("client") is { } clientText)
        {
            v.Check(int.TryParse(clientText, out var id) && id > 0, "client", "Client must be a client id (a positive number).");
            client = int.TryParse(clientText, out id) ? id : null;
        }
        v.ThrowIfInvalid();
        await services.GetRequiredService<DatabaseInitializer>().MigrateAsync();
        var created = await services.GetRequiredService<ApiKeyService>().CreateAsync(new ApiKeyInput(command.Option("name") ?? "", role, client));
        Console.WriteLine($"Created API key {created.Key.Id} '{created.Key.Name}' ({created.Key.Role}{(client is null ? "" : $", client {client}")}).");
        Console.WriteLine("The secret is shown only now; store it safely:");
        Console.WriteLine(created.Secret);
        return 0;
    }
}
