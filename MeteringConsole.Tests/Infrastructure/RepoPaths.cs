namespace MeteringConsole.Tests.Infrastructure;

/// <summary>Finds the repository and the app's build output from the test's own location.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The app's own executable, built in the same configuration as the tests.</summary>
    public static string AppExecutable
    {
        get
        {
            // …/MeteringConsole.Tests/bin/{Configuration}/{tfm}/
            var baseDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var tfm = baseDir.Name;
            var configuration = baseDir.Parent!.Name;
            return Path.Combine(Root, "MeteringConsole", "bin", configuration, tfm, "MeteringConsole");
        }
    }

    public static string Screenshots
    {
        get
        {
            var dir = Path.Combine(Root, "artifacts", "screenshots");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MeteringConsole.sln"))) return dir.FullName;
        throw new InvalidOperationException("MeteringConsole.sln not found above " + AppContext.BaseDirectory);
    }
}
