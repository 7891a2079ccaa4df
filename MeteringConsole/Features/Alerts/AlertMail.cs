using System.Net;
using MimeKit;

namespace MeteringConsole.Features.Alerts;

/// <summary>The alert mail: subject naming the alert, the client and the value; plain text and HTML.</summary>
public static class AlertMail
{
    /// <summary>The client's alert emails and the alert's extra recipients, each once (comma or semicolon separated).</summary>
    public static IReadOnlyList<string> Recipients(params string?[] lists)
        => lists.SelectMany(l => (l ?? "").Split(new[] { ',', ';' }, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    public static string Subject(NotificationContext c)
        => $"[{c.Severity.ToUpperInvariant()}] {c.Alert.Name}: {c.Client.Name} at {c.Value}";

    public static MimeMessage Compose(NotificationContext c, string from, IReadOnlyList<string> recipients)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        foreach (var to in recipients) message.To.Add(MailboxAddress.Parse(to));
        message.Subject = Subject(c);
        message.MessageId = $"{c.Notification.MessageId}@meteringconsole";
        var kind = AlertCatalog.Of(c.Alert.Type);
        var facts = new List<(string Label, string Value)>
        {
            ("Alert", c.Alert.Name),
            ("Type", kind.Label),
            ("Severity", c.Severity),
            ("Client", c.Client.Name),
            ("Value", c.Value),
            ("Threshold", c.Threshold),
            ("Period", c.PeriodName ?? "–"),
            ("In alarm since", c.Notification.TriggeredAt.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture)),
        };
        var intro = $"{c.Client.Name} is in alarm for \"{c.Alert.Name}\": {kind.Description}";
        var text = intro + "\n\n" + string.Join("\n", facts.Select(f => $"{f.Label}: {f.Value}"))
            + "\n\nYou get this mail once per crossing; it is not repeated while the client stays in alarm.\n";
        var html = $"""
            <p>{WebUtility.HtmlEncode(intro)}</p>
            <table cellpadding="4" style="border-collapse:collapse">
            {string.Join("\n", facts.Select(f => $"<tr><th align=\"left\">{WebUtility.HtmlEncode(f.Label)}</th><td>{WebUtility.HtmlEncode(f.Value)}</td></tr>"))}
            </table>
            <p style="color:#666">You get this mail once per crossing; it is not repeated while the client stays in alarm.</p>
            """;
        message.Body = new BodyBuilder { TextBody = text, HtmlBody = html }.ToMessageBody();
        return message;
    }
}
