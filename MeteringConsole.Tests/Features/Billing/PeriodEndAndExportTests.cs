using System.Text;
using MeteringConsole.Common;
using MeteringConsole.Domain;
using MeteringConsole.Features.Billing;
using MeteringConsole.Tests.Infrastructure;
using static MeteringConsole.Tests.Features.Billing.BillingFixture;

namespace MeteringConsole.Tests.Features.Billing;

/// <summary>A period's end is its last day everywhere; the CSV opens in Excel as UTF-8.</summary>
public sealed class PeriodEndAndExportTests : IAsyncLifetime
{
    private const string October = "2026-10-01";
    private TestApp _app = null!;
    private BillingFixture _data = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.CreateAsync();
        _data = BillingFixture.For(_app);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task BillOctoberAsync(string clientName)
    {
        var client = await _data.ClientAsync(clientName);
        var source = await _data.SourceAsync("vmware");
        var unit = await _data.UnitTypeAsync("hours");
        var asset = await _data.AssetAsync(source, "vm-1", client);
        await _data.ReadingsAsync(asset, unit, (Utc(2026, 10, 5), 3));
        await _data.BucketAsync(client, source, unit, Aggregation.Sum, 1, 2, 3, new[] { asset }, name: "Compute");
        await _app.Service<BillingRunService>(TestApp.Operator).RunAsync(October);
    }

    [Fact]
    public async Task PeriodEndIsTheLastDayInStatementsReadingsPeriodsRunsAndTheCsv()
    {
        await BillOctoberAsync("Acme");
        var readings = _app.Service<BillingReadingService>(TestApp.Viewer);

        Assert.Equal("2026-10-31", Assert.Single((await readings.StatementsAsync(new StatementFilter(October), new PageRequest())).Items).PeriodEnd);
        Assert.Equal("2026-10-31", Assert.Single((await readings.ReadingsAsync(October, null, null, new PageRequest())).Items).PeriodEnd);
        Assert.Equal("2026-10-31", Assert.Single(await readings.PeriodsAsync()).PeriodEnd);
        Assert.Equal("2026-10-31", Assert.Single((await _app.Service<BillingRunService>(TestApp.Viewer).ListAsync(new PageRequest())).Items).PeriodEnd);
        var csv = Encoding.UTF8.GetString((await _app.Service<BillingExport>(TestApp.Viewer).CreateAsync(October, null)).Content);
        Assert.StartsWith("2026-10-01,2026-10-31,", csv.Split("\r\n")[1]);
    }

    [Fact]
    public async Task CsvStartsWithTheUtf8ByteOrderMarkAndKeepsNonAsciiNames()
    {
        await BillOctoberAsync("Müller GmbH");

        var bytes = (await _app.Service<BillingExport>(TestApp.Viewer).CreateAsync(October, null)).Content;

        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        using var reader = new StreamReader(new MemoryStream(bytes), new UTF8Encoding(false, throwOnInvalidBytes: true));
        var header = await reader.ReadLineAsync();
        Assert.Equal("period_start", header!.Split(',')[0]);
        Assert.Equal("Müller GmbH", (await reader.ReadLineAsync())!.Split(',')[3]);
    }
}
