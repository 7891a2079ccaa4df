using Hangfire.Logging;

namespace MeteringConsole.Features.Jobs;

/// <summary>
/// Hangfire's log provider is process-wide and its components keep the loggers they were given,
/// so a provider bound to one host's <see cref="ILoggerFactory"/> breaks once that host is disposed
/// (STACK.md pitfall 9: several test hosts in one process). This provider outlives every host and
/// forwards each message, when it is written, to the most recently started host still alive.
/// </summary>
public sealed class HangfireLogBridge : ILogProvider
{
    public static readonly HangfireLogBridge Instance = new();

    private readonly List<ILoggerFactory> _hosts = new();

    /// <summary>Routes Hangfire's messages to this host's logging until the returned handle is disposed.</summary>
    public IDisposable Attach(ILoggerFactory factory)
    {
        lock (_hosts) _hosts.Add(factory);
        return new Detach(this, factory);
    }

    public ILog GetLogger(string name) => new Forwarder(this, name);

    private ILogger? Current(string name)
    {
        ILoggerFactory? factory;
        lock (_hosts) factory = _hosts.LastOrDefault();
        try { return factory?.CreateLogger(name); }
        catch (ObjectDisposedException) { return null; }
    }

    private sealed class Detach(HangfireLogBridge bridge, ILoggerFactory factory) : IDisposable
    {
        public void Dispose()
        {
            lock (bridge._hosts) bridge._hosts.Remove(factory);
        }
    }

    private sealed class Forwarder(HangfireLogBridge bridge, string name) : ILog
    {
        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null)
        {
            var logger = bridge.Current(name);
            if (logger is null) return false;
            var level = logLevel switch
            {
                Hangfire.Logging.LogLevel.Trace => Microsoft.Extensions.Logging.LogLevel.Trace,
                Hangfire.Logging.LogLevel.Debug => Microsoft.Extensions.Logging.LogLevel.Debug,
                Hangfire.Logging.LogLevel.Info => Microsoft.Extensions.Logging.LogLevel.Information,
                Hangfire.Logging.LogLevel.Warn => Microsoft.Extensions.Logging.LogLevel.Warning,
                Hangfire.Logging.LogLevel.Error => Microsoft.Extensions.Logging.LogLevel.Error,
                _ => Microsoft.Extensions.Logging.LogLevel.Critical,
            };
            // Hangfire asks with a null message whether the level is enabled.
            if (messageFunc is null) return logger.IsEnabled(level);
            if (!logger.IsEnabled(level)) return false;
            try { logger.Log(level, 0, messageFunc(), exception, static (message, _) => message); }
            catch (ObjectDisposedException) { return false; }
            return true;
        }
    }
}
