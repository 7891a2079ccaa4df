namespace MeteringConsole.Features.Clients;

public static class ClientsRegistration
{
    public static IServiceCollection AddClients(this IServiceCollection services)
        => services.AddScoped<ClientService>();
}
