using System.Globalization;

namespace MeteringConsole.Data;

/// <summary>Values written by hand-made SQL exactly as EF Core writes them, so both can compare and read each other's rows.</summary>
public static class SqlValues
{
    /// <summary>EF Core's SQLite text form of a DateTime (sorts and compares as text).</summary>
    public static string Instant(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);

    /// <summary>A decimal as stored: whole millionths.</summary>
    public static long Micros(decimal value) => DecimalMicrosConverter.ToMicros(value);

    public static decimal FromMicros(long micros) => micros / DecimalMicrosConverter.Scale;
}
