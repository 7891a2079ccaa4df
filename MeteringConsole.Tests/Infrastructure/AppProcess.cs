using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MeteringConsole.Tests.Infrastructure;

/// <summary>
/// The console started as a real process on a free loopback port over a temporary database,
/// the way an operator runs it. The command line seeds users before it starts.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    public TempDatabase Database { get; }
    public string BaseUrl { get; }
    public string Output { get { lock (_output) return _output.ToString(); } }

    private readonly bool _ownsDatabase;

    private AppProcess(Process process, TempDatabase database, string baseUrl, bool ownsDatabase)
    {
        _process = process;
        Database = database;
        BaseUrl = baseUrl;
        _ownsDatabase = ownsDatabase;
    }

    /// <summary>Runs a command-line verb against the database and returns (exit code, stdout, stderr).</summary>
    public static async Task<(int ExitCode, string StdOut, string StdErr)> RunCommandAsync(TempDatabase database,
        IEnumerable<string> args, IDictionary<string, string>? environment = null, string? stdin = null)
    {
        var psi = StartInfo(database, args);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        psi.RedirectStandardInput = true;
        using var process = Process.Start(psi)!;
        if (stdin is not null) await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts the app; it deletes the database on dispose unless <paramref name="ownsDatabase"/> is false.</summary>
    /// <param name="workingDirectory">The folder it is started from; the app's own folder when null.</param>
    public static async Task<AppProcess> StartAsync(TempDatabase database, bool ownsDatabase = true,
        IDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var port = FreePort();
        var url = $"http://127.0.0.1:{port}";
        var psi = StartInfo(database, new[] { "--urls", url });
        if (workingDirectory is not null) psi.WorkingDirectory = workingDirectory;
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        var process = Process.Start(psi)!;
        var app = new AppProcess(process, database, url, ownsDatabase);
        process.OutputDataReceived += (_, e) => { lock (app._output) app._output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (app._output) app._output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await app.WaitUntilUpAsync();
        return app;
    }

    private static ProcessStartInfo StartInfo(TempDatabase database, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(RepoPaths.AppExecutable)
        {
            WorkingDirectory = Path.GetDirectoryName(RepoPaths.AppExecutable)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["Database__Provider"] = database.IsPostgreSql ? "postgresql" : "sqlite";
        psi.Environment["ConnectionStrings__Default"] = database.ConnectionString;
        psi.Environment["Database__SeedFromSample"] = "false";
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        // The app's clock is pinned: pages show the sample as on the day after its last readings.
        psi.Environment["Clock__Now"] = TestClock.Setting;
        return psi;
    }

    private async Task WaitUntilUpAsync()
    {
        using var http = new HttpClient();
        // A monotonic stopwatch, not the wall clock: the wait is the same on any day.
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (_process.HasExited) throw new InvalidOperationException("The app exited on start:\n" + Output);
            try
            {
                var response = await http.GetAsync(BaseUrl + "/api/v1/health");
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            await Task.Delay(200);
        }
        throw new TimeoutException("The app did not answer within 60 s:\n" + Output);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Sends SIGINT, as Ctrl-C in a terminal does; true when the process exited within <paramref name="within"/>.</summary>
    public async Task<bool> InterruptAsync(TimeSpan within)
    {
        using (var kill = Process.Start(new ProcessStartInfo("kill", $"-INT {_process.Id}") { UseShellExecute = false })!)
            await kill.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(within);
        try { await _process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException) { return false; }
        return true;
    }

    /// <summary>Kills the process at once (SIGKILL), as a crash or power cut would.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
        if (_ownsDatabase) Database.Dispose();
    }
}
