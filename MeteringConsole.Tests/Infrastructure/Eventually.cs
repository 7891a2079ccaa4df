using System.Diagnostics;

namespace MeteringConsole.Tests.Infrastructure;

/// <summary>Waits for something a peer receives; elapsed time on a stopwatch, never the date.</summary>
public static class Eventually
{
    public static async Task WaitUntilAsync(Func<bool> done, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (!done() && watch.Elapsed < timeout) await Task.Delay(50);
    }
}
