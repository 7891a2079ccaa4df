using System.Diagnostics;
using MeteringConsole.Domain;
using MeteringConsole.Features.Suppressions;

namespace MeteringConsole.Tests.Features.Suppressions;

public sealed class SuppressionMatcherTests
{
    private static bool Matches(SuppressionType type, string pattern, string externalId, string? name = null)
        => SuppressionMatcher.Matches(new SuppressionRule(1, type, pattern), externalId, name);

    [Theory]
    [InlineData("vm-test-01", "vm-test-01", true)]
    [InlineData("vm-test-01", "VM-TEST-01", false)]
    [InlineData("vm-test-01", "vm-test-011", false)]
    [InlineData("vm-test-01", "xvm-test-01", false)]
    [InlineData("vm-*", "vm-anything", false)]
    public void ExactIsCaseSensitiveEqualityOfTheWholeId(string pattern, string id, bool expected)
        => Assert.Equal(expected, Matches(SuppressionType.Exact, pattern, id));

    [Theory]
    [InlineData("vm-*", "vm-", true)]
    [InlineData("vm-*", "vm-web-01", true)]
    [InlineData("vm-*", "xvm-web-01", false)]
    [InlineData("*-template", "win2022-template", true)]
    [InlineData("*-template", "win2022-template-old", false)]
    [InlineData("*test*", "prod-test-db", true)]
    [InlineData("a*b*c", "a-x-b-y-c", true)]
    [InlineData("a*b*c", "a-x-c-y-b", false)]
    [InlineData("**", "", true)]
    [InlineData("vm-??", "vm-01", true)]
    [InlineData("vm-??", "vm-1", false)]
    [InlineData("vm-??", "vm-001", false)]
    [InlineData("vm-?1", "vm-01", true)]
    [InlineData("?", "", false)]
    [InlineData("db.prod.*", "db.prod.eu", true)]
    [InlineData("db.prod.*", "dbXprodXeu", false)]
    [InlineData("VM-*-TEMP", "vm-web-temp", true)]
    [InlineData("straße-*", "STRASSE-1", false)]
    [InlineData("ÉTÉ-*", "été-2026", true)]
    public void GlobMatchesTheWholeStringWithStarAndQuestionMarkIgnoringCase(string pattern, string id, bool expected)
        => Assert.Equal(expected, Matches(SuppressionType.Glob, pattern, id));

    [Fact]
    public void GlobWithManyStarsStaysFastOnLongMisses()
    {
        var watch = Stopwatch.StartNew();
        Assert.False(Glob.IsMatch("*a*a*a*a*a*a*a*a*a*a*b", new string('a', 5_000)));
        Assert.True(watch.ElapsedMilliseconds < 2_000, $"took {watch.ElapsedMilliseconds} ms");
    }

    [Theory]
    [InlineData("test", "my-test-vm", true)]
    [InlineData("^test", "my-test-vm", false)]
    [InlineData("^vm-\\d{3}$", "vm-042", true)]
    [InlineData("^vm-\\d{3}$", "vm-0421", false)]
    [InlineData("^VM-", "vm-042", false)]
    [InlineData("(?i)^VM-", "vm-042", true)]
    [InlineData("^(web|db)-", "db-7", true)]
    public void RegexIsFoundAnywhereUnlessAnchoredAndIsCaseSensitive(string pattern, string id, bool expected)
        => Assert.Equal(expected, Matches(SuppressionType.Regex, pattern, id));

    [Fact]
    public void RegexIgnoresTheCurrentCulture()
    {
        var previous = Thread.CurrentThread.CurrentCulture;
        try
        {
            // In Turkish, the upper case of 'i' is 'İ'; culture-invariant matching must not care.
            Thread.CurrentThread.CurrentCulture = new System.Globalization.CultureInfo("tr-TR");
            Assert.True(Matches(SuppressionType.Regex, "(?i)^FILE-", "file-1"));
        }
        finally
        {
            Thread.CurrentThread.CurrentCulture = previous;
        }
    }

    [Fact]
    public void RegexThatRunsOutOfTimeDoesNotSuppressAndDoesNotThrow()
    {
        var evil = new SuppressionRule(7, SuppressionType.Regex, "^(a+)+$");
        var watch = Stopwatch.StartNew();
        var matched = new SuppressionMatcher(new[] { evil }).MatchingRuleId(new string('a', 40) + "!", null);
        Assert.Null(matched);
        // The 100 ms match timeout stops it long before catastrophic backtracking would finish.
        Assert.True(watch.ElapsedMilliseconds < 5_000, $"took {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void TheNameIsCheckedAsWellAsTheExternalId()
    {
        Assert.True(Matches(SuppressionType.Glob, "*template*", "4201-aa9f", "Win2022 Template"));
        Assert.True(Matches(SuppressionType.Exact, "scratch", "id-1", "scratch"));
        Assert.False(Matches(SuppressionType.Exact, "scratch", "id-1", null));
    }

    [Fact]
    public void MatchingRuleIdIsTheFirstMatchingRuleInTheOrderGiven()
    {
        var matcher = new SuppressionMatcher(new[]
        {
            new SuppressionRule(10, SuppressionType.Exact, "vm-9"),
            new SuppressionRule(11, SuppressionType.Glob, "vm-*"),
            new SuppressionRule(12, SuppressionType.Regex, "^vm-"),
        });
        Assert.Equal(3, matcher.RuleCount);
        Assert.Equal(10, matcher.MatchingRuleId("vm-9", null));
        Assert.Equal(11, matcher.MatchingRuleId("vm-8", null));
        Assert.Null(matcher.MatchingRuleId("db-1", "database"));
        Assert.Null(new SuppressionMatcher(Array.Empty<SuppressionRule>()).MatchingRuleId("anything", "at all"));
    }

    [Fact]
    public void AStoredRegexThatNoLongerCompilesIsSkippedNotFatal()
    {
        var matcher = new SuppressionMatcher(new[]
        {
            new SuppressionRule(1, SuppressionType.Regex, "(unclosed"),
            new SuppressionRule(2, SuppressionType.Exact, "vm-1"),
        });
        Assert.Equal(1, matcher.RuleCount);
        Assert.Equal(2, matcher.MatchingRuleId("vm-1", null));
    }

    [Theory]
    [InlineData(SuppressionType.Regex, "(unclosed", "does not compile")]
    [InlineData(SuppressionType.Regex, "[z-a]", "does not compile")]
    [InlineData(SuppressionType.Glob, "vm-[0-9]*", "only * and ?")]
    [InlineData(SuppressionType.Glob, "{web,db}-*", "only * and ?")]
    [InlineData(SuppressionType.Glob, "vm-\t1", "control characters")]
    [InlineData(SuppressionType.Glob, "*", "every asset")]
    [InlineData(SuppressionType.Glob, "?*", "every asset")]
    [InlineData(SuppressionType.Regex, ".*", "every asset")]
    [InlineData(SuppressionType.Regex, "^", "every asset")]
    [InlineData(SuppressionType.Regex, "^(vm)-\\1$", "bounded time")]
    [InlineData(SuppressionType.Regex, "^(?!db).*-x$", "bounded time")]
    [InlineData(SuppressionType.Regex, "(?>a+)b", "bounded time")]
    public void ProblemExplainsWhyAPatternCannotBeARule(SuppressionType type, string pattern, string expected)
        => Assert.Contains(expected, SuppressionMatcher.Problem(type, pattern));

    [Theory]
    [InlineData(SuppressionType.Exact, "vm-[0-9]")]
    [InlineData(SuppressionType.Glob, "vm-*")]
    [InlineData(SuppressionType.Glob, "?")]
    [InlineData(SuppressionType.Regex, "^vm-\\d+$")]
    [InlineData(SuppressionType.Regex, "\\w")]
    public void ProblemIsNullForUsablePatterns(SuppressionType type, string pattern)
        => Assert.Null(SuppressionMatcher.Problem(type, pattern));
}
