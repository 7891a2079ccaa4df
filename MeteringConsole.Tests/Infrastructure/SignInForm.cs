using System.Net;
using System.Text.RegularExpressions;

namespace MeteringConsole.Tests.Infrastructure;

/// <summary>
/// Signs in through the real static sign-in form over HTTP, as a browser does: fetches the form
/// (antiforgery token and cookie), posts it, and keeps the cookies by hand so that a test can
/// replay one. Redirects are not followed.
/// </summary>
public sealed class SignInForm
{
    private readonly HttpClient _http;
    private readonly Dictionary<string, string> _cookies = new();

    /// <param name="http">A client that neither follows redirects nor handles cookies itself.</param>
    public SignInForm(HttpClient http) => _http = http;

    public IReadOnlyDictionary<string, string> Cookies => _cookies;

    public const string AuthCookie = "metering.auth";

    public async Task<HttpResponseMessage> PostAsync(string email, string password, string? returnUrl = null)
    {
        var path = "/account/login" + (returnUrl is null ? "" : "?ReturnUrl=" + Uri.EscapeDataString(returnUrl));
        var form = await SendAsync(new HttpRequestMessage(HttpMethod.Get, path));
        var html = await form.Content.ReadAsStringAsync();
        var fields = Regex.Matches(html, "<input[^>]*type=\"hidden\"[^>]*>").Select(m => m.Value)
            .ToDictionary(i => Regex.Match(i, "name=\"([^\"]+)\"").Groups[1].Value, i => WebUtility.HtmlDecode(Regex.Match(i, "value=\"([^\"]*)\"").Groups[1].Value));
        fields["Input.Email"] = email;
        fields["Input.Password"] = password;
        return await SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(fields) });
    }

    /// <summary>Sends with the cookies collected so far and keeps the ones the answer sets (or deletes).</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        if (_cookies.Count > 0) request.Headers.Add("Cookie", string.Join("; ", _cookies.Select(c => $"{c.Key}={c.Value}")));
        var response = await _http.SendAsync(request);
        foreach (var header in response.Headers.TryGetValues("Set-Cookie", out var values) ? values : Array.Empty<string>())
        {
            var pair = header.Split(';')[0];
            var (name, value) = (pair[..pair.IndexOf('=')], pair[(pair.IndexOf('=') + 1)..]);
            if (value.Length == 0 || header.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase)) _cookies.Remove(name);
            else _cookies[name] = value;
        }
        return response;
    }

    /// <summary>The raw Set-Cookie header of the session cookie in an answer, if it set one.</summary>
    public static string? AuthCookieHeader(HttpResponseMessage response)
        => response.Headers.TryGetValues("Set-Cookie", out var values) ? values.FirstOrDefault(v => v.StartsWith(AuthCookie + "=", StringComparison.Ordinal)) : null;
}
