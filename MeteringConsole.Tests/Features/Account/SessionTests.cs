using System.Net;
using MeteringConsole.Common;
using MeteringConsole.Data;
using MeteringConsole.Features.Account;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MeteringConsole.Tests.Features.Account;

/// <summary>The sign-in form and the session cookie over HTTP, through the real static pages.</summary>
public sealed class SessionTests : IAsyncLifetime
{
    private const string Password = "right-password-123";
    private readonly ApiFactory _factory = new() { Settings = { ["Jobs:Enabled"] = "false" } };
    private readonly CountingHasher _hasher = new();
    private WebApplicationFactory<MeteringConsole.Program> _app = null!;

    public async Task InitializeAsync()
    {
        _app = _factory.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<IPasswordHasher<AppUser>>(_hasher)));
        await using var scope = _app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentActor>().Set(Actor.System("test"));
        await scope.ServiceProvider.GetRequiredService<UserService>().AddAsync("ana@test.example", Roles.Viewer, Password);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _factory.DisposeAsync();
    }

    private SignInForm Browser(string baseAddress = "http://localhost")
        => new(_app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false, BaseAddress = new Uri(baseAddress) }));

    [Fact]
    public async Task ASignInLinkWhoseReturnUrlHasNonAsciiCharactersSignsInAndGoesThere()
    {
        var browser = Browser();
        var response = await browser.PostAsync("ana@test.example", Password, "/clients?search=Müller");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(("localhost", "/clients?search=M%C3%BCller"), (response.Headers.Location!.Host, response.Headers.Location.PathAndQuery));
        Assert.NotNull(SignInForm.AuthCookieHeader(response));
        var page = await browser.SendAsync(new HttpRequestMessage(HttpMethod.Get, response.Headers.Location));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Theory]
    [InlineData("https://evil.example/clients")]
    [InlineData("//evil.example/clients")]
    [InlineData("/\\evil.example/clients")]
    [InlineData("javascript:alert(1)")]
    public async Task AReturnUrlLeavingTheSiteGoesToTheDashboardInstead(string returnUrl)
    {
        var response = await Browser().PostAsync("ana@test.example", Password, returnUrl);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("http://localhost/", response.Headers.Location!.AbsoluteUri);
    }

    [Fact]
    public async Task ACookieReplayedAfterSignOutIsRefused()
    {
        var browser = Browser();
        await browser.PostAsync("ana@test.example", Password);
        var stolen = browser.Cookies[SignInForm.AuthCookie];
        Assert.Equal(HttpStatusCode.OK, (await Replay(stolen)).StatusCode);

        var signOut = await browser.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/account/logout"));
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);

        var replayed = await Replay(stolen);
        Assert.Equal(HttpStatusCode.Redirect, replayed.StatusCode);
        Assert.StartsWith("/account/login", replayed.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task TheSessionCookieIsSecureOverHttpsAndBehindATlsTerminatingProxy()
    {
        Assert.Contains("secure", SignInForm.AuthCookieHeader(await Browser("https://localhost").PostAsync("ana@test.example", Password))!,
            StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", SignInForm.AuthCookieHeader(await Browser().PostAsync("ana@test.example", Password))!,
            StringComparison.OrdinalIgnoreCase);

        var proxied = new SignInForm(_app.CreateDefaultClient(new ForwardedProto()));
        Assert.Contains("secure", SignInForm.AuthCookieHeader(await proxied.PostAsync("ana@test.example", Password))!, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AnUnknownEmailAndAWrongPasswordGetTheSameAnswerAfterTheSameWork()
    {
        var unknown = await Html(await Browser().PostAsync("nobody@test.example", "wrong-password-1"));
        var unknownChecks = _hasher.Verifications;
        var wrong = await Html(await Browser().PostAsync("ana@test.example", "wrong-password-1"));

        Assert.Contains(SignInService.WrongCredentials, unknown);
        Assert.Contains(SignInService.WrongCredentials, wrong);
        Assert.Equal(1, unknownChecks);
        Assert.Equal(2, _hasher.Verifications);
        Assert.DoesNotContain(SignInForm.AuthCookie, unknown);
    }

    [Fact]
    public async Task LockedIsToldOnlyToWhoeverKnowsThePasswordAndNeverForAnUnknownEmail()
    {
        for (var i = 0; i < 7; i++)
        {
            Assert.Contains(SignInService.WrongCredentials, await Html(await Browser().PostAsync("ana@test.example", "wrong-password-1")));
            Assert.Contains(SignInService.WrongCredentials, await Html(await Browser().PostAsync("nobody@test.example", "wrong-password-1")));
        }
        var rightPassword = await Browser().PostAsync("ana@test.example", Password);
        Assert.Equal(HttpStatusCode.OK, rightPassword.StatusCode);
        Assert.Contains(SignInService.LockedOut, await Html(rightPassword));
        Assert.Null(SignInForm.AuthCookieHeader(rightPassword));
    }

    [Fact]
    public async Task SigningInAndOutAndTheLockoutAreAudited()
    {
        var browser = Browser();
        await browser.PostAsync("ana@test.example", Password);
        await browser.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/account/logout"));
        for (var i = 0; i < 5; i++) await Browser().PostAsync("ana@test.example", "wrong-password-1");

        await using var scope = _app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var userId = (await db.Users.SingleAsync(u => u.UserName == "ana@test.example")).Id;
        var entries = await db.AuditEntries.Where(a => a.Table == "AspNetUsers" && a.RecordId == userId).OrderBy(a => a.Id).ToListAsync();
        Assert.Equal(new[] { "Insert", "SignIn", "SignOut" }, entries.Select(e => e.Action).Where(a => a != "Update").Take(3));
        Assert.All(entries.Where(e => e.Action is "SignIn" or "SignOut"), e => Assert.Equal("user:ana@test.example", e.Actor));
        Assert.Contains(entries, e => e.Action == "Update" && e.NewValues!.Contains("\"lockout_end\":\"20"));
        Assert.All(entries, e => Assert.DoesNotContain("Hash", (e.OldValues ?? "") + e.NewValues, StringComparison.OrdinalIgnoreCase));
        Assert.All(entries, e => Assert.DoesNotContain("stamp", (e.OldValues ?? "") + e.NewValues, StringComparison.OrdinalIgnoreCase));
    }

    private async Task<HttpResponseMessage> Replay(string cookie)
    {
        var http = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var request = new HttpRequestMessage(HttpMethod.Get, "/clients");
        request.Headers.Add("Cookie", $"{SignInForm.AuthCookie}={cookie}");
        return await http.SendAsync(request);
    }

    private static async Task<string> Html(HttpResponseMessage response) => WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

    /// <summary>What a TLS-terminating reverse proxy on this machine adds to every request it passes on.</summary>
    private sealed class ForwardedProto : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            request.Headers.Add("X-Forwarded-Proto", "https");
            return base.SendAsync(request, ct);
        }
    }

    /// <summary>The app's password hasher, counting how often a password is checked.</summary>
    private sealed class CountingHasher : IPasswordHasher<AppUser>
    {
        private readonly PasswordHasher<AppUser> _inner = new();
        private int _verifications;
        public int Verifications => Volatile.Read(ref _verifications);
        public string HashPassword(AppUser user, string password) => _inner.HashPassword(user, password);
        public PasswordVerificationResult VerifyHashedPassword(AppUser user, string hashedPassword, string providedPassword)
        {
            Interlocked.Increment(ref _verifications);
            return _inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }
}
