namespace MeteringConsole.Cli;

internal static class SampleCommand
{
    public static Task<int> RunAsync(IServiceProvider services, Command command)
    {
        Console.Error.WriteLine("not yet");
        return Task.FromResult(1);
    }
}
