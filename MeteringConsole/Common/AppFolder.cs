namespace MeteringConsole.Common;

/// <summary>
/// Where the console finds its appsettings.json (the content root). By default ASP.NET Core uses
/// the current folder, so started from anywhere else the console ran on built-in defaults without
/// a word. The current folder stays the content root when it holds an appsettings.json (the
/// project folder under <c>dotnet run</c>, or the app's own folder); otherwise the app's folder is.
/// </summary>
public static class AppFolder
{
    public const string SettingsFile = "appsettings.json";

    /// <summary>The content root to use, or null to keep ASP.NET Core's choice (explicitly set, or the current folder).</summary>
    public static string? ContentRoot(string[] args) => ContentRoot(args, Directory.GetCurrentDirectory(), AppContext.BaseDirectory,
        Environment.GetEnvironmentVariable("ASPNETCORE_CONTENTROOT") ?? Environment.GetEnvironmentVariable("DOTNET_CONTENTROOT"));

    public static string? ContentRoot(string[] args, string currentFolder, string appFolder, string? contentRootVariable)
    {
        var chosen = contentRootVariable is not null
                     || args.Any(a => a.TrimStart('-', '/').StartsWith("contentRoot", StringComparison.OrdinalIgnoreCase));
        if (chosen || File.Exists(Path.Combine(currentFolder, SettingsFile))) return null;
        return File.Exists(Path.Combine(appFolder, SettingsFile)) ? appFolder : null;
    }
}
