using MeteringConsole.Features.Audit;

namespace MeteringConsole.Tests.Features.Audit;

public sealed class AuditValueDiffTests
{
    [Fact]
    public void UpdateMarksEveryKeyWhoseValueDiffersOnBothSides()
    {
        var (old, @new) = AuditValueDiff.Compare("{\"name\":\"Acme\",\"enabled\":true}", "{\"name\":\"Acme Ltd\",\"enabled\":true,\"alert_emails\":\"a@b.test\"}");

        Assert.Equal(new[] { ("name", "\"Acme\"", true), ("enabled", "true", false) }, old.Select(l => (l.Key, l.Json, l.Changed)));
        Assert.Equal(new[] { ("name", true), ("enabled", false), ("alert_emails", true) }, @new.Select(l => (l.Key, l.Changed)));
    }

    [Fact]
    public void InsertHasOnlyNewValuesAndMarksNothing()
    {
        var (old, @new) = AuditValueDiff.Compare(null, "{\"id\":3,\"name\":\"Straße <1>\"}");
        Assert.Empty(old);
        Assert.Equal(new[] { ("id", "3"), ("name", "\"Straße <1>\"") }, @new.Select(l => (l.Key, l.Json)));
        Assert.DoesNotContain(@new, l => l.Changed);
    }

    [Fact]
    public void NestedValuesArePrettyPrinted()
    {
        var (_, @new) = AuditValueDiff.Compare(null, "{\"metadata\":{\"rack\":\"r1\"}}");
        Assert.Equal("{\n  \"rack\": \"r1\"\n}", Assert.Single(@new).Json.Replace("\r\n", "\n"));
    }

    [Fact]
    public void TextThatIsNotJsonIsShownRaw()
        => Assert.Equal("not json", Assert.Single(AuditValueDiff.Compare("not json", null).Old).Json);
}
