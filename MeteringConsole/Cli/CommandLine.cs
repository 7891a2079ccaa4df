using MeteringConsole.Common;
using MeteringConsole.Data;

namespace MeteringConsole.Cli;

/// <summary>A parsed command: verb words and --options.</summary>
public sealed record Command(string Verb, IReadOnlyDictionary<string, string> Options)
{
    public string? Option(string name) => Options.TryGetValue(name, out var v) ? v : null;
}

/// <summary>
/// <c>user add</c>, <c>user role</c>, <c>user password</c>, <c>apikey create</c>, <c>db migrate</c> and <c>sample</c>: same executable and
/// configuration as the console; runs, prints, exits. Errors go to stderr with exit code 1 (bad
/// input) or 2 (unknown command).
/// </summary>
public static class CommandLine
{
    private static readonly string[] Verbs = { "user add", "user role", "user password", "apikey create", "db migrate", "sample" };

    public static Command? Parse(string[] args)
    {
        var words = args.TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
        if (words.Length == 0) return null;
        var verb = string.Join(' ', words);
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = words.Length; i < args.Length; i++)
        {
            var a = args[i];
            if (!a.StartsWith("--", StringComparison.Ordinal)) { options["!unexpected"] = a; continue; }
            var eq = a.IndexOf('=');
            if (eq > 0) options[a[2..eq]] = a[(eq + 1)..];
            else if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal)) options[a[2..]] = args[++i];
            else options[a[2..]] = "";
        }
        return new Command(verb, options);
    }

    /// <summary>Commands print only their own output; the secret must be the last line.</summary>
    public static void QuietLogging(ILoggingBuilder logging)
    {
        logging.ClearProviders();
        logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        logging.SetMinimumLevel(LogLevel.Warning);
        logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Error);
    }

    public static async Task<int> RunAsync(WebApplication app, Command command)
    {
        if (!Verbs.Contains(command.Verb))
        {
            Console.Error.WriteLine($"Unknown command '{command.Verb}'. Commands: {string.Join(", ", Verbs)}.");
            return 2;
        }
        using var scope = app.Services.CreateScope();
        var services = scope.ServiceProvider;
        services.GetRequiredService<CurrentActor>().Set(Actor.System("cli"));
        try
        {
            return command.Verb switch
            {
                "db migrate" => await MigrateAsync(services),
                "user add" => await UserCommands.AddAsync(services, command),
                "user role" => await UserCommands.RoleAsync(services, command),
                "user password" => await UserCommands.PasswordAsync(services, command),
                "apikey create" => await ApiKeyCommands.CreateAsync(services, command),
                "sample" => await SampleCommand.RunAsync(services, command),
                _ => 2,
            };
        }
        catch (ValidationException e)
        {
            foreach (var (field, messages) in e.Errors)
                foreach (var m in messages) Console.Error.WriteLine($"error: --{field.Replace('_', '-')}: {m}");
            return 1;
        }
        catch (Exception e) when (e is ConflictException or NotFoundException or ForbiddenException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    private static async Task<int> MigrateAsync(IServiceProvider services)
    {
        await services.GetRequiredService<DatabaseInitializer>().MigrateAsync();
        Console.WriteLine($"Database is up to date: {services.GetRequiredService<DatabaseOptions>().Display}");
        return 0;
    }

    /// <summary>Refuses options the command does not know, so a typo is not silently ignored.</summary>
    internal static void RequireOnly(Command command, params string[] allowed)
    {
        var v = new Validator();
        foreach (var key in command.Options.Keys)
            v.Check(allowed.Contains(key, StringComparer.OrdinalIgnoreCase), key.TrimStart('!'),
                key.StartsWith('!') ? $"Unexpected argument '{command.Options[key]}'." : $"Unknown option for '{command.Verb}'. Options: {string.Join(", ", allowed.Select(a => "--" + a))}.");
        v.ThrowIfInvalid();
    }
}
