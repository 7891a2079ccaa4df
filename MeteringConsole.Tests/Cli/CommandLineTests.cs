using MeteringConsole.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace MeteringConsole.Tests.Cli;

/// <summary>The command line, run as the real executable against a temporary database (SQLite, or PostgreSQL in the suite's PostgreSQL pass).</summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    private Task<(int ExitCode, string StdOut, string StdErr)> Run(string[] args, string? password = null, string? stdin = null)
        => AppProcess.RunCommandAsync(_db, args, password is null ? null : new Dictionary<string, string> { ["METERING_PASSWORD"] = password }, stdin);

    private long Scalar(string sql) => _db.Scalar<long>(sql);

    private string Text(string sql) => _db.Scalar<string>(sql);

    [Fact]
    public async Task DbMigrateCreatesTheSchema()
    {
        var result = await Run(new[] { "db", "migrate" });
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("up to date", result.StdOut);
        Assert.True(Scalar("SELECT COUNT(*) FROM \"__EFMigrationsHistory\"") >= 1);
    }

    [Fact]
    public async Task ApiKeyCreatePrintsTheSecretOnTheLastLineAndStoresOnlyItsHash()
    {
        var result = await Run(new[] { "apikey", "create", "--name", "collector", "--role", "Ingest" });
        Assert.Equal(0, result.ExitCode);
        var secret = result.StdOut.TrimEnd().Split('\n').Last().Trim();
        Assert.StartsWith("mck_", secret);
        Assert.Equal(0, Scalar($"SELECT COUNT(*) FROM api_keys WHERE secret_hash LIKE '%{secret}%'"));
        Assert.Equal(1, Scalar("SELECT COUNT(*) FROM api_keys WHERE role = 'Ingest' AND name = 'collector'"));
    }

    [Fact]
    public async Task ApiKeyCreateWithBadRoleOrMissingClientFailsAndStoresNothing()
    {
        await Run(new[] { "db", "migrate" });
        var badRole = await Run(new[] { "apikey", "create", "--name", "x", "--role", "Superuser" });
        Assert.Equal(1, badRole.ExitCode);
        Assert.Contains("Role must be", badRole.StdErr);
        var badClient = await Run(new[] { "apikey", "create", "--name", "x", "--role", "ReadOnly", "--client", "42" });
        Assert.Equal(1, badClient.ExitCode);
        Assert.Contains("Client 42 does not exist", badClient.StdErr);
        Assert.Equal(0, Scalar("SELECT COUNT(*) FROM api_keys"));
    }

    [Fact]
    public async Task UserAddTakesThePasswordFromTheEnvironmentOrStandardInput()
    {
        var fromEnv = await Run(new[] { "user", "add", "--email", "ana@example.test", "--role", "Operator" }, password: "a-long-password-1");
        Assert.Equal(0, fromEnv.ExitCode);
        var fromStdin = await Run(new[] { "user", "add", "--email", "bo@example.test", "--role", "viewer" }, stdin: "another-long-password-2\n");
        Assert.Equal(0, fromStdin.ExitCode);
        Assert.Equal(2, Scalar("SELECT COUNT(*) FROM \"AspNetUsers\""));
        Assert.Equal(1, Scalar("SELECT COUNT(*) FROM \"AspNetUserRoles\" ur JOIN \"AspNetRoles\" r ON r.\"Id\" = ur.\"RoleId\" WHERE r.\"Name\" = 'Viewer'"));
    }

    [Fact]
    public async Task UserAddRefusesWeakPasswordsBadRolesAndDuplicates()
    {
        var weak = await Run(new[] { "user", "add", "--email", "c@example.test", "--role", "Admin" }, password: "short");
        Assert.Equal(1, weak.ExitCode);
        Assert.Contains("--password", weak.StdErr);
        var role = await Run(new[] { "user", "add", "--email", "c@example.test", "--role", "Root" }, password: "a-long-password-1");
        Assert.Equal(1, role.ExitCode);
        await Run(new[] { "user", "add", "--email", "c@example.test", "--role", "Admin" }, password: "a-long-password-1");
        var duplicate = await Run(new[] { "user", "add", "--email", "C@example.test", "--role", "Admin" }, password: "a-long-password-1");
        Assert.Equal(1, duplicate.ExitCode);
        Assert.Equal(1, Scalar("SELECT COUNT(*) FROM \"AspNetUsers\""));
    }

    [Fact]
    public async Task UserRoleAndUserPasswordChangeAnAccountAndAreAuditedAsTheCommandLine()
    {
        await Run(new[] { "user", "add", "--email", "di@example.test", "--role", "Viewer" }, password: "a-long-password-1");
        var hashBefore = Text("SELECT \"PasswordHash\" FROM \"AspNetUsers\"");

        var role = await Run(new[] { "user", "role", "--email", "di@example.test", "--role", "operator" });
        var password = await Run(new[] { "user", "password", "--email", "di@example.test" }, stdin: "a-new-long-password-2\n");
        var unknown = await Run(new[] { "user", "role", "--email", "nobody@example.test", "--role", "Admin" });

        Assert.Equal((0, 0, 1), (role.ExitCode, password.ExitCode, unknown.ExitCode));
        Assert.Contains("nobody@example.test", unknown.StdErr);
        Assert.Equal(1, Scalar("SELECT COUNT(*) FROM \"AspNetUserRoles\" ur JOIN \"AspNetRoles\" r ON r.\"Id\" = ur.\"RoleId\" WHERE r.\"Name\" = 'Operator'"));
        Assert.Equal(0, Scalar("SELECT COUNT(*) FROM \"AspNetUserRoles\" ur JOIN \"AspNetRoles\" r ON r.\"Id\" = ur.\"RoleId\" WHERE r.\"Name\" = 'Viewer'"));
        Assert.NotEqual(hashBefore, Text("SELECT \"PasswordHash\" FROM \"AspNetUsers\""));
        Assert.Equal(1, Scalar("SELECT COUNT(*) FROM audit_entries WHERE \"table\" = 'AspNetUsers' AND action = 'Update' AND new_values LIKE '%\"password\":\"(changed)\"%' AND actor = 'system:cli'"));
        Assert.Equal(3, Scalar("SELECT COUNT(*) FROM audit_entries WHERE \"table\" = 'AspNetUserRoles' AND actor = 'system:cli'"));
    }

    [Fact]
    public async Task UnknownCommandsAndOptionsAreRefused()
    {
        var unknown = await Run(new[] { "frobnicate" });
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("Unknown command", unknown.StdErr);
        var typo = await Run(new[] { "apikey", "create", "--nmae", "x", "--role", "Admin" });
        Assert.Equal(1, typo.ExitCode);
        Assert.Contains("Unknown option", typo.StdErr);
    }

    [Fact]
    public async Task SampleWritesASqliteFileWhateverTheConfiguredStoreAndLeavesTheConfiguredDatabaseAlone()
    {
        await Run(new[] { "db", "migrate" });
        var path = Path.Combine(_db.Directory, "sample-out.db");

        var result = await Run(new[] { "sample", "--out", path });

        Assert.True(result.ExitCode == 0, result.StdErr);
        Assert.Contains("Wrote", result.StdOut);
        using (var sample = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly }.ToString()))
        {
            sample.Open();
            using var count = sample.CreateCommand();
            count.CommandText = "SELECT COUNT(*) FROM clients";
            Assert.True((long)count.ExecuteScalar()! > 0);
        }
        SqliteConnection.ClearAllPools();
        Assert.Equal(0, Scalar("SELECT COUNT(*) FROM clients"));
    }
}
