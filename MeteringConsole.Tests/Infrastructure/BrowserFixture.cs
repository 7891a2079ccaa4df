using System.Security.Cryptography;
using Microsoft.Playwright;

namespace MeteringConsole.Tests.Infrastructure;

/// <summary>
/// One app process over a copy of app.db.sample and one headless Debian Chromium for the browser
/// tests. Users are created through the command line with a password generated for this run only.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    public static readonly string Password = "Pw-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
    public const string AdminEmail = "admin@browser.test";
    public const string OperatorEmail = "operator@browser.test";
    public const string ViewerEmail = "viewer@browser.test";

    private IPlaywright? _playwright;
    public AppProcess App { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // Start from the sample so pages show realistic data; the users below are this run's own.
        var database = new TempDatabase();
        File.Copy(Path.Combine(RepoPaths.Root, "app.db.sample"), database.FilePath);
        foreach (var (email, role) in new[] { (AdminEmail, "Admin"), (OperatorEmail, "Operator"), (ViewerEmail, "Viewer") })
        {
            var result = await AppProcess.RunCommandAsync(database, new[] { "user", "add", "--email", email, "--role", role },
                new Dictionary<string, string> { ["METERING_PASSWORD"] = Password });
            if (result.ExitCode != 0) throw new InvalidOperationException($"user add failed: {result.StdErr}");
        }
        App = await AppProcess.StartAsync(database);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = new[] { "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run" },
        });
    }

    /// <summary>A new browser context signed in as the given user, on the dashboard.</summary>
    public async Task<IPage> SignInAsync(string email)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = App.BaseUrl,
            ViewportSize = new ViewportSize { Width = 1400, Height = 900 },
        });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/account/login");
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", Password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(App.BaseUrl + "/");
        await WaitReadyAsync(page);
        return page;
    }

    /// <summary>Navigates and waits until the Blazor circuit is live.</summary>
    public static async Task GotoAsync(IPage page, string path)
    {
        await page.GotoAsync(path);
        await WaitReadyAsync(page);
    }

    public static Task WaitReadyAsync(IPage page) => page.WaitForSelectorAsync("[data-mc-ready=true]");

    public static async Task ScreenshotAsync(IPage page, string name)
        => await page.ScreenshotAsync(new PageScreenshotOptions
        {
            Path = Path.Combine(RepoPaths.Screenshots, name + ".png"),
            FullPage = true,
            // Finishes fade-ins (dialogs, notifications) so the picture shows the settled page.
            Animations = ScreenshotAnimations.Disabled,
        });

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        if (App is not null)
        {
            // Kept for diagnosing a failed run: what the app logged while the browser drove it.
            await File.WriteAllTextAsync(Path.Combine(RepoPaths.Screenshots, "..", "browser-app-output.log"), App.Output);
            await App.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
