using System.Security.Cryptography;
using System.Text;

namespace MeteringConsole.Features.Alerts;

/// <summary>
/// Standard Webhooks signing: <c>webhook-signature: v1,&lt;base64 HMAC-SHA256 of "{id}.{timestamp}.{body}"&gt;</c>,
/// keyed with the bytes the secret's base64 (after <c>whsec_</c>) decodes to.
/// </summary>
public static class WebhookSignature
{
    public const string SecretPrefix = "whsec_";

    /// <summary><c>whsec_</c> + base64 of 24 random bytes.</summary>
    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));

    public static string Sign(string secret, string messageId, long unixSeconds, string body)
    {
        var key = Convert.FromBase64String(secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret);
        var mac = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{messageId}.{unixSeconds}.{body}"));
        return "v1," + Convert.ToBase64String(mac);
    }
}
