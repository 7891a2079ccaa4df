using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using MeteringConsole.Domain;

namespace MeteringConsole.Features.Suppressions;

/// <summary>A suppression rule as the matcher needs it.</summary>
public sealed record SuppressionRule(int Id, SuppressionType Type, string Pattern);

/// <summary>
/// Decides whether an asset (external id, optional name) is suppressed at ingest. Pure and
/// thread-safe: ingest builds one per batch from the current rules and asks it per event.
/// Exact is case-sensitive equality; glob is <see cref="Glob"/> (whole string, ignoring case);
/// regex is .NET syntax, culture-invariant, found anywhere in the text unless anchored.
/// Regexes run on .NET's non-backtracking engine: time linear in the text, so no pattern can
/// stall ingest (a backtracking one once held the write lock 15 s over 150 events). Constructs
/// that engine cannot run (backreferences, lookarounds, atomic groups) are refused on save.
/// </summary>
public sealed class SuppressionMatcher
{
    public static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(100);

    private readonly List<CompiledRule> _rules;

    public SuppressionMatcher(IEnumerable<SuppressionRule> rules)
        => _rules = rules.Select(Compile).Where(r => r is not null).Select(r => r!).ToList();

    public int RuleCount => _rules.Count;

    /// <summary>The id of the first rule (in the order given) that matches, or null: ingest counts the hit on it.</summary>
    public int? MatchingRuleId(string externalId, string? name)
    {
        foreach (var rule in _rules)
            if (rule.Matches(externalId) || (name is not null && rule.Matches(name)))
                return rule.Id;
        return null;
    }

    /// <summary>Whether one rule matches; for trying a rule out before saving it.</summary>
    public static bool Matches(SuppressionRule rule, string externalId, string? name)
        => new SuppressionMatcher(new[] { rule }).MatchingRuleId(externalId, name) is not null;

    /// <summary>Why the pattern cannot be saved as a rule of this type, or null when it can.</summary>
    public static string? Problem(SuppressionType type, string pattern)
    {
        switch (type)
        {
            case SuppressionType.Glob when Glob.Problem(pattern) is { } globProblem:
                return globProblem;
            case SuppressionType.Regex:
                try { _ = new Regex(pattern, RegexOptions.CultureInvariant, RegexTimeout); }
                catch (ArgumentException e) { return $"The regex does not compile: {e.Message}"; }
                try { _ = Bounded(pattern); }
                catch (NotSupportedException)
                {
                    return "This regex uses a construct that cannot be matched in bounded time (a backreference, lookaround, "
                           + "atomic group or conditional); rewrite it without one.";
                }
                break;
        }
        var compiled = Compile(new SuppressionRule(0, type, pattern))!;
        try
        {
            // A rule that matches ids of every shape would silently drop all usage.
            if (EverythingProbes.All(compiled.MatchesOrThrow))
                return "This pattern would match every asset and drop all usage; make it more specific.";
        }
        catch (RegexMatchTimeoutException)
        {
            return $"The regex takes longer than {RegexTimeout.TotalMilliseconds:0} ms on a short id; simplify it.";
        }
        return null;
    }

    /// <summary>Ids of unrelated shapes: a rule that matches all of them matches practically anything.</summary>
    private static readonly string[] EverythingProbes = { "x", "7", "-", "Zq-09_.:@/ probe of an asset id Ω" };

    private static CompiledRule? Compile(SuppressionRule rule)
    {
        Func<string, bool> test;
        switch (rule.Type)
        {
            case SuppressionType.Exact:
                test = text => string.Equals(text, rule.Pattern, StringComparison.Ordinal);
                break;
            case SuppressionType.Glob:
                test = text => Glob.IsMatch(rule.Pattern, text);
                break;
            case SuppressionType.Regex:
                // Rules are validated on save; one that no longer compiles must not stop ingest.
                try { test = Bounded(rule.Pattern).IsMatch; }
                catch (ArgumentException) { return null; }
                catch (NotSupportedException)
                {
                    // Saved before such patterns were refused: backtracking, so it gets one timeout per
                    // batch and is then off for the rest of it, bounding the stall to one timeout.
                    try { test = OneTimeout(new Regex(rule.Pattern, RegexOptions.CultureInvariant, RegexTimeout)); }
                    catch (ArgumentException) { return null; }
                }
                break;
            default:
                return null;
        }
        return new CompiledRule(rule.Id, test);
    }

    /// <summary>Built once per pattern (ingest builds a matcher per batch); regexes are thread-safe.</summary>
    private static readonly ConcurrentDictionary<string, Regex> BoundedCache = new(StringComparer.Ordinal);

    /// <exception cref="NotSupportedException">The pattern needs backtracking.</exception>
    private static Regex Bounded(string pattern)
    {
        if (BoundedCache.TryGetValue(pattern, out var cached)) return cached;
        // The timeout stays as a last guard; the engine itself is linear in the text.
        var regex = new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking, RegexTimeout);
        if (BoundedCache.Count >= 1_000) BoundedCache.Clear();
        return BoundedCache.GetOrAdd(pattern, regex);
    }

    private static Func<string, bool> OneTimeout(Regex regex)
    {
        var timedOut = false;
        return text =>
        {
            if (Volatile.Read(ref timedOut)) throw new RegexMatchTimeoutException();
            try { return regex.IsMatch(text); }
            catch (RegexMatchTimeoutException) { Volatile.Write(ref timedOut, true); throw; }
        };
    }

    private sealed record CompiledRule(int Id, Func<string, bool> MatchesOrThrow)
    {
        /// <summary>
        /// A regex that runs out of time does not suppress: storing an event that should have been
        /// dropped can be corrected, dropping one that should have been stored cannot.
        /// </summary>
        public bool Matches(string text)
        {
            try { return MatchesOrThrow(text); }
            catch (RegexMatchTimeoutException) { return false; }
        }
    }
}
