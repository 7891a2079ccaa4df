namespace MeteringConsole.Features.Account;

/// <summary>Where the sign-in page may send a person back to: a path of this site, written in ASCII.</summary>
public static class ReturnUrls
{
    private static readonly Uri Site = new("http://console.invalid/");

    /// <summary>
    /// The local URL, percent-encoded so that it can go into a Location header (a raw "ü" there
    /// made the sign-in answer 500 and drop its cookie); "/" for anything that would leave the site
    /// (an absolute URL, "//host", "/\host") or that is not a path at all.
    /// </summary>
    public static string Local(string? url)
    {
        if (string.IsNullOrEmpty(url) || url[0] != '/' || url.StartsWith("//", StringComparison.Ordinal)
            || url.StartsWith("/\\", StringComparison.Ordinal) || url.Any(char.IsControl))
            return "/";
        if (!Uri.TryCreate(Site, url, out var resolved) || resolved.Scheme != Site.Scheme || resolved.Authority != Site.Authority)
            return "/";
        // PathAndQuery and Fragment come back escaped: non-ASCII as UTF-8 percent-encoding, existing escapes kept.
        return resolved.PathAndQuery + resolved.Fragment;
    }
}
