using System.Net;
using System.Text.RegularExpressions;
using MeteringConsole.Common;
using MeteringConsole.Domain;
using MeteringConsole.Features.Account;
using MeteringConsole.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace MeteringConsole.Tests.Features.Jobs;

/// <summary>/hangfire is for Admins: signed in through the real sign-in form, with the real cookie.</summary>
public sealed partial class HangfireDashboardTests : IClassFixture<ApiFactory>
{
    private const string Password = "dashboard-password-1";
    private readonly ApiFactory _api;

    public HangfireDashboardTests(ApiFactory api) => _api = api;

    [Fact]
    public async Task AnonymousVisitorsAreSentToSignIn()
    {
        var response = await Client().GetAsync("/hangfire");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith(AccountRegistration.LoginPath, response.Headers.Location!.PathAndQuery);
    }

    [Theory]
    [InlineData(Roles.Operator)]
    [InlineData(Roles.Viewer)]
    public async Task OperatorsAndViewersAreRefused(string role)
    {
        var http = await SignedInAsync(role);
        foreach (var path in new[] { "/hangfire", "/hangfire/jobs/enqueued" })
        {
            var response = await http.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden
                        || (response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location!.PathAndQuery.StartsWith("/account/denied")),
                $"{role} on {path}: {(int)response.StatusCode} {response.Headers.Location}");
        }
    }

    [Fact]
    public async Task AdminsSeeTheDashboard()
    {
        var http = await SignedInAsync(Roles.Admin);
        var response = await http.GetAsync("/hangfire");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("MeteringConsole jobs", await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/hangfire/jobs/succeeded")).StatusCode);
    }

    private HttpClient Client() => _api.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    /// <summary>A user of the role, signed in by posting the sign-in form; the client keeps the cookie.</summary>
    private async Task<HttpClient> SignedInAsync(string role)
    {
        var email = $"{role.ToLowerInvariant()}-{Guid.NewGuid().ToString("N")[..8]}@test.example";
        await _api.AsSystemAsync<UserService, object>(async users => await users.AddAsync(email, role, Password));
        var http = Client();
        var form = await (await http.GetAsync(AccountRegistration.LoginPath)).Content.ReadAsStringAsync();
        var token = AntiforgeryToken().Match(form).Groups[1].Value;
        var response = await http.PostAsync(AccountRegistration.LoginPath, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login", ["__RequestVerificationToken"] = token, ["Input.Email"] = email, ["Input.Password"] = Password,
        }));
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"sign-in as {role} answered {(int)response.StatusCode}");
        return http;
    }

    [GeneratedRegex("__RequestVerificationToken\"[^>]*?value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
