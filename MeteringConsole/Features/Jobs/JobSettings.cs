using System.Globalization;

namespace MeteringConsole.Features.Jobs;

/// <summary>
/// When the scheduled jobs run. <c>Jobs:Enabled</c> (default true) turns the scheduler off
/// altogether; <c>Billing:RunDelay</c> is how long after a period's end it is billed (default 2 h,
/// so late readings have arrived); <c>Projections:Interval</c> (default 1 h);
/// <c>AutoProvisioning:TimeOfDay</c> (default 02:30 in the billing time zone);
/// <c>Jobs:StorageFile</c> is Hangfire's own SQLite file (default <c>hangfire.db</c>; a relative
/// path is relative to the app database's folder), or <c>:memory:</c> for Hangfire.InMemory.
/// </summary>
public sealed record JobSettings(bool Enabled, TimeSpan BillingDelay, TimeSpan ProjectionInterval, TimeOnly AutoProvisionAt, string StorageFile)
{
    public const string InMemoryStorage = ":memory:";

    public bool PersistentStorage => StorageFile != InMemoryStorage;

    public static JobSettings From(IConfiguration config) => new(
        config.GetValue("Jobs:Enabled", true),
        Span(config["Billing:RunDelay"], TimeSpan.FromHours(2), "Billing:RunDelay", TimeSpan.Zero),
        Span(config["Projections:Interval"], TimeSpan.FromHours(1), "Projections:Interval", TimeSpan.FromMinutes(1)),
        string.IsNullOrWhiteSpace(config["AutoProvisioning:TimeOfDay"]) ? new TimeOnly(2, 30)
            : TimeOnly.TryParseExact(config["AutoProvisioning:TimeOfDay"]!.Trim(), "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)
                ? at
                : throw new InvalidOperationException("AutoProvisioning:TimeOfDay must be a time of day, HH:mm."),
        string.IsNullOrWhiteSpace(config["Jobs:StorageFile"]) ? "hangfire.db" : config["Jobs:StorageFile"]!.Trim());

    /// <summary>Where Hangfire's file goes: beside the app database unless the setting is absolute.</summary>
    public string StoragePath(string appDatabaseFile)
        => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(appDatabaseFile)) ?? ".", StorageFile));

    private static TimeSpan Span(string? text, TimeSpan fallback, string key, TimeSpan minimum)
    {
        if (string.IsNullOrWhiteSpace(text)) return fallback;
        if (!TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) || span < minimum)
            throw new InvalidOperationException($"{key} must be a duration of at least {minimum} (e.g. 01:30:00).");
        return span;
    }
}
