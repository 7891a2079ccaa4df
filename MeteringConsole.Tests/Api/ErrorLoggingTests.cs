using System.Net;
using System.Net.Http.Json;
using MeteringConsole.Data;
using MeteringConsole.Domain;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MeteringConsole.Tests.Api;

/// <summary>Client errors are the caller's business: logged as information, no stack trace. Server errors keep theirs.</summary>
public sealed class ErrorLoggingTests : IAsyncLifetime
{
    private readonly ApiFactory _api = new() { Settings = { ["Jobs:Enabled"] = "false" } };
    private readonly CapturedLogs _logs = new();

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task ClientErrorsAreLoggedAsInformationWithoutStackTraces()
    {
        var secret = await _api.CreateKeyAsync(ApiKeyRole.Admin);
        var http = Logged(_api).CreateClient();
        http.DefaultRequestHeaders.Authorization = new("Bearer", secret);

        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync("/api/v1/audit?action=Upsert")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsJsonAsync("/api/v1/clients", new { name = "" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/v1/clients/4242")).StatusCode);
        await http.PostAsJsonAsync("/api/v1/clients", new { name = "Twice" });
        Assert.Equal(HttpStatusCode.Conflict, (await http.PostAsJsonAsync("/api/v1/clients", new { name = "Twice" })).StatusCode);

        Assert.DoesNotContain(_logs.Entries, e => e.Exception is not null || e.Level >= LogLevel.Warning);
        var answered = _logs.Entries.Where(e => e.Category == typeof(MeteringConsole.Api.ApiExceptionHandler).FullName).ToList();
        Assert.Equal(4, answered.Count);
        Assert.All(answered, e => Assert.Equal(LogLevel.Information, e.Level));
        Assert.Contains(answered, e => e.Message.Contains("404") && e.Message.Contains("/api/v1/clients/4242"));
    }

    [Fact]
    public async Task ServerErrorsAreLoggedAsErrorsWithTheirException()
    {
        // Billing readings are read with hand-written SQL on DatabaseOptions' connection string (the key
        // check goes through EF Core and still works). On SQLite: a file that cannot open. On PostgreSQL,
        // where start-up itself (jobs, the key ring) needs the database: the table the SQL reads is gone.
        var broken = Logged(_api);
        if (_api.Database.IsPostgreSql)
        {
            using var direct = new DatabaseOptions(DatabaseProvider.PostgreSql, _api.Database.ConnectionString);
            await using var connection = await direct.OpenAsync();
            await connection.Command("ALTER TABLE billing_readings RENAME TO billing_readings_gone").ExecuteNonQueryAsync();
        }
        else
        {
            var unreachable = new DatabaseOptions("Data Source=/nonexistent-folder/for-this-test/app.db;Mode=ReadOnly");
            broken = broken.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton(unreachable)));
        }
        var http = broken.CreateClient();
        http.DefaultRequestHeaders.Authorization = new("Bearer", await _api.CreateKeyAsync(ApiKeyRole.Admin));

        Assert.Equal(HttpStatusCode.InternalServerError, (await http.GetAsync("/api/v1/billing/readings")).StatusCode);

        var error = Assert.Single(_logs.Entries, e => e.Level >= LogLevel.Error && e.Category == typeof(MeteringConsole.Api.ApiExceptionHandler).FullName);
        Assert.NotNull(error.Exception);
        Assert.Contains(_api.Database.IsPostgreSql ? "billing_readings" : "unable to open database file", error.Exception.ToString());
    }

    private Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<MeteringConsole.Program> Logged(ApiFactory api)
        => api.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(_logs)));
}
