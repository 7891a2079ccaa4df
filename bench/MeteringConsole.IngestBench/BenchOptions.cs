namespace MeteringConsole.IngestBench;

/// <summary>
/// <c>--batches N</c> per sender (default 25), <c>--senders N</c> (4), <c>--preload N</c> readings (10,000,000; 0 skips),
/// <c>--alerts N</c> active alerts for one more fresh HTTP run (0: none, the default),
/// <c>--consoles N</c> console processes on one database for one more fresh HTTP run (PostgreSQL; 1: none, the default),
/// <c>--repeat N</c> rounds of the fresh HTTP run (and of its run with alerts), alternating (1),
/// <c>--warmup N</c> batches per sender before each HTTP run's clock starts (10).
/// </summary>
public sealed record BenchOptions(int Senders, int BatchesPerSender, int BatchSize, long Preload, int Alerts = 0, int Consoles = 1, int Repeat = 1,
    int WarmUpBatches = 5)
{
    public static BenchOptions Parse(string[] args)
    {
        int Int(string name, int fallback) => Array.IndexOf(args, name) is var i and >= 0 ? int.Parse(args[i + 1]) : fallback;
        long Long(string name, long fallback) => Array.IndexOf(args, name) is var i and >= 0 ? long.Parse(args[i + 1]) : fallback;
        return new BenchOptions(Int("--senders", 4), Int("--batches", 25), 10_000, Long("--preload", 10_000_000), Int("--alerts", 0), Int("--consoles", 1),
            Math.Max(1, Int("--repeat", 1)), Math.Max(0, Int("--warmup", 10)));
    }

    public override string ToString()
        => $"{Senders} senders × {BatchesPerSender} batches × {BatchSize:N0} events; preload {Preload:N0} readings; {Alerts} alerts{(Consoles > 1 ? $"; {Consoles} consoles" : "")}{(Repeat > 1 ? $"; {Repeat} rounds" : "")}; warm-up {WarmUpBatches} batches per sender";
}
