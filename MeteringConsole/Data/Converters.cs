using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace MeteringConsole.Data;

/// <summary>Stores a decimal as a whole number of millionths, so SQLite can sort and sum it exactly.</summary>
public sealed class DecimalMicrosConverter : ValueConverter<decimal, long>
{
    public const decimal Scale = 1_000_000m;

    public DecimalMicrosConverter()
        : base(d => ToMicros(d), l => l / Scale) { }

    public static long ToMicros(decimal value) => (long)decimal.Round(value * Scale, MidpointRounding.AwayFromZero);
}

/// <summary>Instants are written as UTC and read back with Kind=Utc.</summary>
public sealed class UtcDateTimeConverter : ValueConverter<DateTime, DateTime>
{
    public UtcDateTimeConverter()
        : base(d => d.Kind == DateTimeKind.Local ? d.ToUniversalTime() : DateTime.SpecifyKind(d, DateTimeKind.Utc),
               d => DateTime.SpecifyKind(d, DateTimeKind.Utc)) { }
}
