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
        var password = ReadPassword();
        var role = RoleOption(command);
        var user = await services.GetRequiredService<UserService>().AddAsync(command.Option("email") ?? "", role, password);
        Console.WriteLine($"Added {user.Email} as {role}.");
        return 0;
    }

    /// <summary><c>user role --email E --role R</c>: the user's one role becomes R; their sessions end.</summary>
    public static async Task<int> RoleAsync(IServiceProvider services, Command command)
    {
        CommandLine.RequireOnly(command, "email", "role");
        await services.GetRequiredService<DatabaseInitializer>().MigrateAsync();
        var email = command.Option("email") ?? "";
        var role = RoleOption(command);
        await services.GetRequiredService<UserService>().SetRoleAsync(email, role);
        Console.WriteLine($"{email} is now {role}.");
        return 0;
    }

    /// <summary><c>user password --email E</c>: a new password from METERING_PASSWORD or stdin; the user's sessions end.</summary>
    public static async Task<int> PasswordAsync(IServiceProvider services, Command command)
    {
        CommandLine.RequireOnly(command, "email");
        await services.GetRequiredService<DatabaseInitializer>().MigrateAsync();
        var email = command.Option("email") ?? "";
        await services.GetRequiredService<UserService>().SetPasswordAsync(email, ReadPassword());
        Console.WriteLine($"Changed the password of {email}.");
        return 0;
    }

    private static string RoleOption(Command command)
        => Roles.UserRoles.FirstOrDefault(r => r.Equals(command.Option("role"), StringComparison.OrdinalIgnoreCase))
            ?? command.Option("role") ?? "";

    private static string ReadPassword()
    {
        var password = Environment.GetEnvironmentVariable(PasswordVariable);
        if (!string.IsNullOrEmpty(password)) return password;
        if (!Console.IsInputRedirected) Console.Error.Write("Password: ");
        return Console.ReadLine() ?? "";
    }
}
