using MeteringConsole.IngestBench;

// Sustained ingest over HTTP and through the service, on a fresh database and again with
// millions of readings already stored, plus the 90-day client usage read. See README.md.
var options = BenchOptions.Parse(args);
await using var store = BenchStore.Current = BenchStore.Parse(args);
Console.WriteLine($"Ingest benchmark: {options}; {store}");
var workDir = Directory.CreateTempSubdirectory("mc-ingest-bench-").FullName;
try
{
    var report = new List<string>();
    // With --alerts, each round is a pair: the same run without alerts, then with them, so that
    // rounds alternate and the machine's drift falls on both sides (issue 10: at most 5 % lower).
    var (without, with) = (new List<HttpIngest.Run>(), new List<HttpIngest.Run>());
    for (var round = 1; round <= options.Repeat; round++)
    {
        var suffix = options.Repeat > 1 ? $", round {round}" : "";
        await using (var fresh = await BenchApp.StartAsync(workDir, $"fresh{round}.db"))
        {
            without.Add(await HttpIngest.RunAsync(fresh, options, "HTTP, fresh database" + suffix));
            report.Add(without[^1].Text);
        }
        if (options.Alerts == 0) continue;
        await using var alerted = await BenchApp.StartAsync(workDir, $"alerts{round}.db");
        with.Add(await HttpIngest.RunAsync(alerted, options, $"HTTP, fresh database, {options.Alerts} alerts" + suffix,
            () => AlertSetup.CreateAsync(alerted, options)));
        report.Add(with[^1].Text);
        report.Add(AlertSetup.EvaluationCost(alerted, with[^1]));
        report.Add(await AlertSetup.SummaryAsync(alerted));
    }
    if (options.Alerts > 0) report.Add(AlertSetup.Comparison(without, with));
    if (options.Consoles > 1 && store.IsPostgreSql)
    {
        // Several consoles on one database (issue 11), the senders spread over them.
        var consoles = new List<BenchApp>();
        try
        {
            for (var i = 1; i <= options.Consoles; i++) consoles.Add(await BenchApp.StartAsync(workDir, "consoles.db", i));
            report.Add((await HttpIngest.RunAsync(consoles, options, $"HTTP, fresh database, {options.Consoles} consoles")).Text);
        }
        finally
        {
            foreach (var console in consoles) await console.DisposeAsync();
        }
    }
    else if (options.Consoles > 1) Console.WriteLine("--consoles is for PostgreSQL (--provider postgresql); ignored on SQLite.");
    report.Add(await ServiceIngest.RunAsync(Path.Combine(workDir, "service.db"), options, "service, fresh database", preload: 0));

    if (options.Preload > 0)
    {
        var loaded = Path.Combine(workDir, "loaded.db");
        report.Add(store.IsPostgreSql ? await PostgreSqlPreload.FillAsync(loaded, options.Preload) : await Preload.FillAsync(loaded, options.Preload));
        await using (var app = await BenchApp.StartAsync(workDir, "loaded.db"))
        {
            report.Add((await HttpIngest.RunAsync(app, options, $"HTTP, {options.Preload:N0} readings stored")).Text);
            report.Add(await UsageRead.RunAsync(app));
        }
    }
    Console.WriteLine();
    Console.WriteLine("Results");
    foreach (var line in report) Console.WriteLine("  " + line);
}
finally
{
    Directory.Delete(workDir, recursive: true);
}
