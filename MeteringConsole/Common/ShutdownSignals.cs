using System.Runtime.InteropServices;

namespace MeteringConsole.Common;

/// <summary>
/// Makes Ctrl-C (SIGINT) stop the console however it was started. A process started in the
/// background by a non-interactive shell (scripts, CI, IDE and tool runners, `cmd &`) inherits
/// SIGINT as *ignored*, and .NET keeps an ignored SIGINT ignored: neither the host's console
/// lifetime nor PosixSignalRegistration ever sees it, so `kill -INT` and Ctrl-C forwarded by such a
/// runner did nothing while SIGTERM worked. Restoring the default disposition before the host
/// starts lets the host's own handler register, and SIGINT then stops it gracefully like SIGTERM.
/// </summary>
public static class ShutdownSignals
{
    private const int SigInt = 2;

    public static void RestoreInterrupt()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return;
        try { _ = signal(SigInt, IntPtr.Zero /* SIG_DFL */); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { /* no libc: nothing to restore */ }
    }

    [DllImport("libc", EntryPoint = "signal")]
    private static extern IntPtr signal(int signum, IntPtr handler);
}
