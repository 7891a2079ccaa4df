using System.Net.Http.Headers;
using MeteringConsole.Tests.Infrastructure;

namespace MeteringConsole.Tests.Browser;

/// <summary>
/// Browser tests that need data before the page opens create it through the HTTP API of the running
/// app, with an Admin key made by the command line (as an operator would): this also leaves audit
/// entries with an API key id.
/// </summary>
internal static class AdminApiClient
{
    public static async Task<(HttpClient Http, string KeyName)> CreateAsync(BrowserFixture browser, string namePrefix)
    {
        var keyName = namePrefix + "-" + Guid.NewGuid().ToString("N")[..6];
        var key = await AppProcess.RunCommandAsync(browser.App.Database, new[] { "apikey", "create", "--name", keyName, "--role", "Admin" });
        if (key.ExitCode != 0) throw new InvalidOperationException("apikey create failed: " + key.StdErr);
        var http = new HttpClient { BaseAddress = new Uri(browser.App.BaseUrl) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key.StdOut.Trim().Split('\n')[^1].Trim());
        return (http, keyName);
    }
}
