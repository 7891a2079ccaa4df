using System.Globalization;

namespace MeteringConsole.Features.Alerts;

/// <summary>
/// Alert mail over SMTP: <c>Smtp:Host</c> (no host: mail is not sent, and each attempt says so),
/// <c>Smtp:Port</c> (25), <c>Smtp:From</c>, <c>Smtp:UserName</c> and <c>Smtp:Password</c> (sign in
/// only when a user name is set), <c>Smtp:EnableSsl</c> (false: plain; true: TLS on connect for
/// port 465, STARTTLS otherwise).
/// </summary>
public sealed record SmtpSettings(string? Host, int Port, string From, string? UserName, string? Password, bool EnableSsl)
{
    public bool Configured => !string.IsNullOrWhiteSpace(Host);

    public static SmtpSettings Read(IConfiguration config) => new(
        config["Smtp:Host"]?.Trim(),
        config.GetValue("Smtp:Port", 25),
        string.IsNullOrWhiteSpace(config["Smtp:From"]) ? "alerts@meteringconsole.local" : config["Smtp:From"]!.Trim(),
        string.IsNullOrWhiteSpace(config["Smtp:UserName"]) ? null : config["Smtp:UserName"],
        config["Smtp:Password"],
        config.GetValue("Smtp:EnableSsl", false));
}

/// <summary>
/// Webhook delivery: <c>Webhooks:RetryDelays</c>, comma-separated TimeSpans (hh:mm:ss), the waits
/// before the 2nd, 3rd, … attempt (default 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h: eight
/// attempts over about 27.6 h); <c>Webhooks:Timeout</c> per attempt (10 s).
/// </summary>
public sealed record WebhookSettings(IReadOnlyList<TimeSpan> RetryDelays, TimeSpan Timeout)
{
    public static readonly IReadOnlyList<TimeSpan> DefaultRetryDelays = new[]
    {
        TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2),
        TimeSpan.FromHours(5), TimeSpan.FromHours(10), TimeSpan.FromHours(10),
    };

    /// <summary>The wait before attempt <paramref name="attempt"/> + 1, or null when none is left.</summary>
    public TimeSpan? DelayAfter(int attempt) => attempt >= 1 && attempt <= RetryDelays.Count ? RetryDelays[attempt - 1] : null;

    public static WebhookSettings Read(IConfiguration config)
    {
        var text = config["Webhooks:RetryDelays"];
        var delays = string.IsNullOrWhiteSpace(text) ? DefaultRetryDelays
            : text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(Parse).ToList();
        var timeout = string.IsNullOrWhiteSpace(config["Webhooks:Timeout"]) ? TimeSpan.FromSeconds(10) : Parse(config["Webhooks:Timeout"]!);
        return new WebhookSettings(delays, timeout);
    }

    private static TimeSpan Parse(string text)
        => TimeSpan.TryParseExact(text.Trim(), @"hh\:mm\:ss", CultureInfo.InvariantCulture, out var span)
           || TimeSpan.TryParseExact(text.Trim(), @"d\.hh\:mm\:ss", CultureInfo.InvariantCulture, out span)
           || TimeSpan.TryParseExact(text.Trim(), @"hh\:mm\:ss\.FFF", CultureInfo.InvariantCulture, out span)
            ? span
            : throw new InvalidOperationException($"Webhooks:RetryDelays and Webhooks:Timeout take durations as hh:mm:ss (e.g. 00:00:05,00:05:00); '{text}' is not one.");
}
