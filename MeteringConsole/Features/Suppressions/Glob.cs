namespace MeteringConsole.Features.Suppressions;

/// <summary>
/// Glob patterns as suppressions and unit type filters use them: <c>*</c> matches any run of
/// characters, <c>?</c> exactly one, every other character itself (ignoring case), over the
/// whole string.
/// </summary>
public static class Glob
{
    /// <summary>
    /// Why the pattern is not a glob we can honour, or null. Brackets and braces are refused rather
    /// than taken literally: someone writing <c>vm-[0-9]*</c> expects a character class, and a
    /// rule that silently never matches is worse than an error.
    /// </summary>
    public static string? Problem(string pattern)
    {
        if (pattern.Any(char.IsControl)) return "A glob must not contain control characters (tabs, line breaks).";
        if (pattern.IndexOfAny(new[] { '[', ']', '{', '}' }) >= 0)
            return "Globs support only * and ?; for character classes or alternatives use a regex.";
        return null;
    }

    /// <summary>
    /// Whether the whole text matches. Greedy matching with a single backtrack point: linear in
    /// practice, never exponential, so no timeout is needed.
    /// </summary>
    public static bool IsMatch(string pattern, string text)
    {
        int p = 0, t = 0, starP = -1, starT = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                starP = p++;
                starT = t;
            }
            else if (p < pattern.Length && (pattern[p] == '?' || SameLetter(pattern[p], text[t])))
            {
                p++;
                t++;
            }
            else if (starP >= 0)
            {
                // Let the last * swallow one more character and retry from there.
                p = starP + 1;
                t = ++starT;
            }
            else return false;
        }
        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }

    private static bool SameLetter(char a, char b) => a == b || char.ToUpperInvariant(a) == char.ToUpperInvariant(b);
}
