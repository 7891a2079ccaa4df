using System.Globalization;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MeteringConsole.Common;

/// <summary>
/// A clock that starts at a configured instant and then runs forward in real time, so a demo or
/// a browser test sees the same "today" on any day while jobs, timeouts and durations still tick.
/// </summary>
public sealed class ShiftedTimeProvider : TimeProvider
{
    private readonly TimeSpan _offset;

    public ShiftedTimeProvider(DateTimeOffset now) => _offset = now - System.GetUtcNow();

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + _offset;
}

public static class ClockRegistration
{
    /// <summary>The configuration key that pins "now" (an ISO 8601 instant); the system clock when absent.</summary>
    public const string NowKey = "Clock:Now";

    /// <summary>Registers the one clock every service reads, unless a test registered its own first.</summary>
    public static IServiceCollection AddClock(this IServiceCollection services, IConfiguration configuration)
    {
        var fixedNow = configuration[NowKey];
        if (string.IsNullOrWhiteSpace(fixedNow))
        {
            services.TryAddSingleton(TimeProvider.System);
            return services;
        }
        if (!DateTimeOffset.TryParse(fixedNow, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var now))
            throw new InvalidOperationException($"{NowKey} must be an ISO 8601 instant such as 2026-11-21T12:00:00Z, not '{fixedNow}'.");
        services.TryAddSingleton<TimeProvider>(new ShiftedTimeProvider(now));
        return services;
    }
}
