using System.Diagnostics;
using Hangfire;

namespace MeteringConsole.Features.Jobs;

/// <summary>
/// Which Hangfire servers in a storage belong to live consoles. On PostgreSQL several consoles share
/// one storage, so start-up recovery must tell a peer's work from what a crashed process left. Each
/// console names its server after its machine and process id: on this machine a server is alive while
/// its process is (a crashed console's heartbeat still looks fresh for a while); on another machine,
/// while its heartbeat is recent.
/// </summary>
public static class JobServers
{
    /// <summary>A live server beats every 30 s (Hangfire's default); one silent for this long is gone.</summary>
    public static readonly TimeSpan HeartbeatWindow = TimeSpan.FromMinutes(2);

    /// <summary>Hangfire's heartbeats are real time, whatever <c>Clock:Now</c> pins the app's clock to.</summary>
    private static readonly TimeProvider WallClock = TimeProvider.System;

    /// <summary>This console's server name: <c>machine.pid</c> (Hangfire appends its own unique suffix to make the id).</summary>
    public static string ThisProcessName => $"{Environment.MachineName}.{Environment.ProcessId}".ToLowerInvariant();

    /// <summary>The ids of the servers of other live consoles (this one's has not started yet).</summary>
    public static IReadOnlySet<string> LivePeers(JobStorage storage)
    {
        var now = WallClock.GetUtcNow().UtcDateTime;
        return storage.GetMonitoringApi().Servers().Where(s => IsAlive(s.Name, s.Heartbeat, now)).Select(s => s.Name).ToHashSet();
    }

    private static bool IsAlive(string serverId, DateTime? heartbeat, DateTime now)
    {
        var name = serverId.Split(':')[0];
        var dot = name.LastIndexOf('.');
        if (dot > 0 && int.TryParse(name[(dot + 1)..], out var pid)
            && name[..dot].Equals(Environment.MachineName, StringComparison.OrdinalIgnoreCase))
            return pid != Environment.ProcessId && ProcessIsRunning(pid);
        return heartbeat is DateTime beat && now - DateTime.SpecifyKind(beat, DateTimeKind.Utc) < HeartbeatWindow;
    }

    private static bool ProcessIsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }

    /// <summary>Hangfire announces a new server in the background: wait (a few seconds at most) until others can see this one.</summary>
    public static async Task WaitUntilAnnouncedAsync(JobStorage storage, CancellationToken ct)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < AnnounceWait
               && !storage.GetMonitoringApi().Servers().Any(s => s.Name.StartsWith(ThisProcessName + ":", StringComparison.OrdinalIgnoreCase)))
            await Task.Delay(100, ct);
    }

    private static readonly TimeSpan AnnounceWait = TimeSpan.FromSeconds(10);
}
