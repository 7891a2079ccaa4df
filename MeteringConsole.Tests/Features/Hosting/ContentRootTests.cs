using MeteringConsole.Common;

namespace MeteringConsole.Tests.Features.Hosting;

/// <summary>Started from any folder, the console reads its own appsettings.json.</summary>
public sealed class ContentRootTests : IDisposable
{
    private readonly string _elsewhere = Directory.CreateTempSubdirectory("mc-elsewhere-").FullName;
    private readonly string _app = Directory.CreateTempSubdirectory("mc-app-").FullName;

    public ContentRootTests() => File.WriteAllText(Path.Combine(_app, AppFolder.SettingsFile), "{}");

    public void Dispose()
    {
        Directory.Delete(_elsewhere, recursive: true);
        Directory.Delete(_app, recursive: true);
    }

    [Fact]
    public void FromAFolderWithoutSettingsTheAppsOwnFolderIsTheContentRoot()
        => Assert.Equal(_app, AppFolder.ContentRoot(Array.Empty<string>(), _elsewhere, _app, null));

    [Fact]
    public void AFolderWithItsOwnSettingsStaysTheContentRoot()
    {
        // The project folder under `dotnet run`, or the app's folder itself.
        File.WriteAllText(Path.Combine(_elsewhere, AppFolder.SettingsFile), "{}");
        Assert.Null(AppFolder.ContentRoot(Array.Empty<string>(), _elsewhere, _app, null));
    }

    [Theory]
    [InlineData("--contentRoot=/srv/metering", null)]
    [InlineData("--urls", "/srv/metering")]
    public void AnExplicitContentRootIsLeftAlone(string arg, string? variable)
        => Assert.Null(AppFolder.ContentRoot(new[] { arg }, _elsewhere, _app, variable));

    [Fact]
    public async Task TheConsoleStartedFromAnotherFolderLoadsItsOwnSettings()
    {
        using var database = new TempDatabase();
        await using var app = await AppProcess.StartAsync(database, ownsDatabase: false, workingDirectory: _elsewhere,
            environment: new Dictionary<string, string> { ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information" });

        var appFolder = Path.GetDirectoryName(RepoPaths.AppExecutable)!;
        Assert.Contains($"Content root path: {appFolder}", app.Output);
        Assert.DoesNotContain($"Content root path: {_elsewhere}", app.Output);
    }
}
