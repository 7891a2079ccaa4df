using System.Text.Json;
using MeteringConsole.Features.Usage;

namespace MeteringConsole.Tests.Features.Usage;

public sealed class UsageBatchParserTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    private static (List<UsageEvent?> Events, List<UsageEventError> Errors) Parse(string json)
        => UsageBatchParser.Parse(JsonDocument.Parse(json).RootElement, Now);

    private const string Valid = """{"event_id":"e1","timestamp":"2026-11-20T11:00:00Z","source":"vmware","asset_id":"vm-1","unit_type":"vcpu-hours","value":2.5}""";

    private static string With(string field, string jsonValue)
    {
        var doc = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(Valid)!;
        var obj = doc.ToDictionary(kv => kv.Key, kv => (object?)kv.Value);
        if (jsonValue == "<missing>") obj.Remove(field);
        else obj[field] = JsonDocument.Parse(jsonValue).RootElement;
        return JsonSerializer.Serialize(obj);
    }

    [Fact]
    public void SingleObjectAndArrayBothParse()
    {
        var one = Parse(Valid);
        Assert.Empty(one.Errors);
        var e = Assert.Single(one.Events)!;
        Assert.Equal(("e1", "vmware", "vm-1", 2.5), (e.EventId, e.Source, e.AssetId, e.Value));
        Assert.Equal(2, Parse($"[{Valid},{Valid}]").Events.Count);
    }

    [Theory]
    [InlineData("event_id", "<missing>", "event_id is required")]
    [InlineData("event_id", "\"\"", "event_id is required")]
    [InlineData("event_id", "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"", "1–200 characters")]
    [InlineData("timestamp", "\"2026-11-20T11:00:00\"", "with an offset")]
    [InlineData("timestamp", "\"20/11/2026\"", "RFC 3339")]
    [InlineData("timestamp", "\"2026-11-20T12:06:00Z\"", "5 minutes in the future")]
    [InlineData("source", "<missing>", "source is required")]
    [InlineData("source", "\"has space\"", "lower-case letters")]
    [InlineData("asset_id", "42", "must be a string")]
    [InlineData("unit_type", "null", "unit_type is required")]
    [InlineData("value", "-1", "≥ 0")]
    [InlineData("value", "\"12\"", "must be a number")]
    [InlineData("value", "<missing>", "value is required")]
    [InlineData("client_id", "\"acme\"", "positive whole number")]
    [InlineData("metadata", "[1]", "object of string keys")]
    [InlineData("metadata", "{\"k\": 1}", "must be a string")]
    public void EachRuleIsReportedOnItsField(string field, string jsonValue, string message)
    {
        var (events, errors) = Parse($"[{Valid},{With(field, jsonValue)}]");
        var error = Assert.Single(errors);
        Assert.Equal((1, field), (error.Index, error.Field));
        Assert.Contains(message, error.Message);
        Assert.NotNull(events[0]);
        Assert.Null(events[1]);
    }

    [Fact]
    public void FiveMinutesAheadIsStillAccepted()
        => Assert.Empty(Parse(With("timestamp", "\"2026-11-20T12:05:00Z\"")).Errors);

    [Fact]
    public void OffsetsOtherThanZuluAreAccepted()
    {
        var e = Parse(With("timestamp", "\"2026-11-20T13:00:00+01:00\"")).Events.Single()!;
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero), e.Timestamp.ToUniversalTime());
    }

    [Fact]
    public void TooManyMetadataKeysAreRefused()
    {
        var metadata = JsonSerializer.Serialize(Enumerable.Range(0, 33).ToDictionary(i => $"k{i}", i => "v"));
        Assert.Contains("at most 32 keys", Parse(With("metadata", metadata)).Errors.Single().Message);
    }

    [Fact]
    public void EmptyArrayAndNonObjectsAreRefused()
    {
        Assert.Equal("body", Parse("[]").Errors.Single().Field);
        Assert.Equal("body", Parse("42").Errors.Single().Field);
        Assert.Equal("event", Parse($"[{Valid}, 3]").Errors.Single().Field);
    }

    [Fact]
    public void MoreThanTenThousandEventsIsTooLarge()
    {
        var json = "[" + string.Join(",", Enumerable.Repeat(Valid, 10_001)) + "]";
        Assert.Throws<UsageBatchTooLargeException>(() => Parse(json));
    }

    [Fact]
    public void SourceIsLowerCased()
        => Assert.Equal("vmware", Parse(With("source", "\"VMware\"")).Events.Single()!.Source);
}
