using MeteringConsole.Common;
using MeteringConsole.Data;
using MeteringConsole.Features.Account;

namespace MeteringConsole.Cli;

internal static class UserCommands
{
    public const string PasswordVariable = "METERING_PASSWORD";

    /// <summary><c>user add --email E --role R</c>; the password comes from METERING_PASSWORD or stdin.</summary>
    public static async Task<int> AddAsync(IServiceProvider services, Command command)
    {
        CommandLine.RequireOnly(command, "email", "role");
        await services.GetRequiredService<DatabaseInitializer>().MigrateAsync();
        var password = Environment.GetEnvironmentVariable(PasswordVariable);
        if (string.IsNullOrEmpty(password))
        {
            if (!Console.IsInputRedirected) Console.Error.Write("Password: ");
            password = Console.ReadLine() ?? "";
        }
        var role = Roles.UserRoles.FirstOrDefault(r => r.Equals(command.Option("role"), StringComparison.OrdinalIgnoreCase))
            ?? command.Option("role") ?? "";
        var user = await services.GetRequiredService<UserService>().AddAsync(command.Option("email") ?? "", role, password);
        Console.WriteLine($"Added {user.Email} as {role}.");
        return 0;
    }
}
