using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;

namespace MeteringConsole.IngestBench;

/// <summary>The console started as its own Release process, as in production, with an Admin key.</summary>
public sealed class BenchApp : IAsyncDisposable
{
    private readonly Process _process;
    public HttpClient Http { get; }
    public string DatabasePath { get; }
    /// <summary>Where the server's own log goes; printed when a request fails.</summary>
    public string LogPath { get; private init; } = "";
    private List<string> _lines = new();

    /// <summary>The server's log so far, line by line.</summary>
    public IReadOnlyList<string> LogLines()
    {
        lock (_lines) return _lines.ToList();
    }

    private BenchApp(Process process, HttpClient http, string databasePath)
    {
        _process = process;
        Http = http;
        DatabasePath = databasePath;
    }

    public static string Executable
    {
        get
        {
            // The bench's own output folder …/bench/MeteringConsole.IngestBench/bin/{Configuration}/{tfm}/
            var dir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
            var (tfm, configuration) = (dir.Name, dir.Parent!.Name);
            var root = dir.Parent.Parent!.Parent!.Parent!.Parent!.FullName;
            return Path.Combine(root, "MeteringConsole", "bin", configuration, tfm, "MeteringConsole");
        }
    }

    /// <param name="instance">Another console on the same database: its own log (and key).</param>
    public static async Task<BenchApp> StartAsync(string workDir, string databaseFile, int instance = 1)
    {
        var databasePath = Path.Combine(workDir, databaseFile);
        var key = (await RunAsync(databasePath, "apikey", "create", "--name", "bench", "--role", "Admin")).Trim().Split('\n').Last().Trim();
        var port = FreePort();
        var psi = StartInfo(databasePath, "--urls", $"http://127.0.0.1:{port}");
        var process = Process.Start(psi)!;
        var logPath = Path.Combine(workDir, databaseFile + (instance > 1 ? $".{instance}" : "") + ".log");
        var log = new StreamWriter(logPath) { AutoFlush = true };
        var lines = new List<string>();
        void Write(string? line)
        {
            lock (log)
            {
                log.WriteLine(line);
                if (line is not null) lock (lines) lines.Add(line);
            }
        }
        process.OutputDataReceived += (_, e) => Write(e.Data);
        process.ErrorDataReceived += (_, e) => Write(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        for (var i = 0; ; i++)
        {
            try { if ((await http.GetAsync("/api/v1/health")).StatusCode == HttpStatusCode.OK) break; }
            catch (HttpRequestException) when (i < 300) { await Task.Delay(100); }
        }
        var app = new BenchApp(process, http, databasePath) { LogPath = logPath, _lines = lines };
        // The first console of a database creates the workload's unit types; the others find them.
        if (instance == 1)
            foreach (var (name, aggregation) in Workload.UnitTypes)
                await http.PostAsJsonAsync("/api/v1/unit-types", new { name, aggregation });
        return app;
    }

    /// <summary>
    /// Core time the server process has used so far (user + system, from /proc): what a run costs the
    /// machine, steadier than its wall time when other work shares the cores.
    /// </summary>
    public TimeSpan CpuTime()
    {
        // Fields after the command's closing parenthesis: state is the 3rd, utime the 14th, stime the 15th, in clock ticks (100 a second).
        var stat = File.ReadAllText($"/proc/{_process.Id}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return TimeSpan.FromSeconds((long.Parse(fields[11]) + long.Parse(fields[12])) / 100.0);
    }

    /// <summary>Peak resident memory of the server process so far (VmHWM), in MiB.</summary>
    public double PeakMemoryMiB()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
            if (line.StartsWith("VmHWM:")) return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
        return double.NaN;
    }

    private static async Task<string> RunAsync(string databasePath, params string[] args)
    {
        var psi = StartInfo(databasePath, args);
        using var p = Process.Start(psi)!;
        var output = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{string.Join(' ', args)} failed: {await p.StandardError.ReadToEndAsync()}");
        return output;
    }

    private static ProcessStartInfo StartInfo(string databasePath, params string[] args)
    {
        var psi = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (key, value) in BenchStore.Current.Settings(databasePath)) psi.Environment[key.Replace(":", "__")] = value;
        psi.Environment["Database__SeedFromSample"] = "false";
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        // Each evaluation's timing, which --alerts sums (AlertSetup.EvaluationCost).
        psi.Environment["Logging__LogLevel__MeteringConsole.Features.Alerts.AlertEvaluationJob"] = "Debug";
        return psi;
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }
}
