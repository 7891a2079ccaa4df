using MeteringConsole.Cli;
using MeteringConsole.Common;
using MeteringConsole.Data;
using MeteringConsole.Features.Sample;
using MeteringConsole.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static MeteringConsole.Tests.Features.Sample.GeneratedSamples;

namespace MeteringConsole.Tests.Features.Sample;

public sealed class SampleFileTests
{
    /// <summary>The command must not touch the configured database, so it gets none.</summary>
    private static readonly IServiceProvider NoServices = new ServiceCollection().BuildServiceProvider();

    [Fact]
    public void SampleDatabaseMatchesTheMigrations()
    {
        using var sample = Open(FindCommittedSample());
        var applied = Rows(sample, "SELECT MigrationId FROM __EFMigrationsHistory ORDER BY MigrationId");

        using var db = new AppDbContext(new DbContextOptionsBuilder<AppDbContext>().UseSqlite("Data Source=:memory:").Options);
        var expected = db.Database.GetMigrations().ToList();
        Assert.True(expected.SequenceEqual(applied),
            $"{DatabaseInitializer.SampleFileName} was made for migrations [{string.Join(", ", applied)}] but the app has "
            + $"[{string.Join(", ", expected)}]. Regenerate it: dotnet run --project MeteringConsole -- sample --out {DatabaseInitializer.SampleFileName} --force");
    }

    [Fact]
    public async Task ExistingOutputIsNotOverwrittenWithoutForce()
    {
        using var folder = new TempDatabase();
        var path = Path.Combine(folder.Directory, "sample.db");
        await File.WriteAllTextAsync(path, "keep me");

        var error = await Assert.ThrowsAsync<ConflictException>(() => SampleCommand.RunAsync(NoServices, Parse("--out", path)));

        Assert.Contains("--force", error.Message);
        Assert.Equal("keep me", await File.ReadAllTextAsync(path));
        Assert.Equal(new[] { path }, Directory.GetFiles(folder.Directory));
    }

    [Fact]
    public async Task AFailedGenerationLeavesTheExistingFileAndNothingElse()
    {
        using var folder = new TempDatabase();
        var path = Path.Combine(folder.Directory, "sample.db");
        await File.WriteAllTextAsync(path, "previous sample");
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => SampleDatabase.WriteAsync(path, SampleDatabase.DefaultAnchor, force: true, cancelled.Token));

        Assert.Equal("previous sample", await File.ReadAllTextAsync(path));
        Assert.Equal(new[] { path }, Directory.GetFiles(folder.Directory));
    }

    [Theory]
    [InlineData("--seed", "7")]
    [InlineData("--as-of", "20/11/2026")]
    [InlineData("--force", "yes")]
    public async Task BadOptionsAreRefusedBeforeAnythingIsWritten(string option, string value)
    {
        using var folder = new TempDatabase();
        var path = Path.Combine(folder.Directory, "sample.db");

        var error = await Assert.ThrowsAsync<ValidationException>(() => SampleCommand.RunAsync(NoServices, Parse("--out", path, option, value)));

        Assert.Contains(option.TrimStart('-'), error.Errors.Keys);
        Assert.Empty(Directory.GetFiles(folder.Directory));
    }

    private static Command Parse(params string[] options) => CommandLine.Parse(new[] { "sample" }.Concat(options).ToArray())!;

    private static string FindCommittedSample()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, DatabaseInitializer.SampleFileName);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"No {DatabaseInitializer.SampleFileName} above {AppContext.BaseDirectory}.");
    }
}
