using System.Globalization;
using System.IO.Compression;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;
using MeteringConsole.Common;

namespace MeteringConsole.Features.Billing;

public sealed record ExportFile(string FileName, string ContentType, byte[] Content);

/// <summary>
/// The CSV export of a billed period: one file per source type (a zip when there are several),
/// every money column in the configured currency, and cells a spreadsheet would run as a formula
/// neutralised with a leading apostrophe.
/// </summary>
public sealed class BillingExport
{
    private readonly BillingReadingService _readings;
    private readonly BillingSettings _settings;

    public BillingExport(BillingReadingService readings, BillingSettings settings)
    {
        _readings = readings;
        _settings = settings;
    }

    /// <param name="periodStart">The period's start date; the most recently billed period when null.</param>
    /// <param name="source">One source type only, or every source type billed in the period.</param>
    public async Task<ExportFile> CreateAsync(string? periodStart, string? source)
    {
        var period = string.IsNullOrWhiteSpace(periodStart)
            ? await _readings.LatestPeriodAsync() ?? throw new NotFoundException("Billed period", "(none yet: run billing first)")
            : _settings.ParsePeriod(periodStart).Name;
        var lines = new List<BillingReadingRow>();
        for (var skip = 0; ; skip += 500)
        {
            var page = await _readings.ReadingsAsync(period, null, source, new PageRequest(skip, 500));
            lines.AddRange(page.Items);
            if (lines.Count >= page.Total || page.Items.Count == 0) break;
        }
        var bySource = lines.GroupBy(l => l.SourceType).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        if (bySource.Count <= 1)
        {
            var name = bySource.FirstOrDefault()?.Key ?? (string.IsNullOrWhiteSpace(source) ? "all" : source.Trim().ToLowerInvariant());
            return new ExportFile(CsvName(period, name), "text/csv", Csv(lines));
        }
        using var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var group in bySource)
            {
                var entry = archive.CreateEntry(CsvName(period, group.Key), CompressionLevel.Optimal);
                await using var stream = entry.Open();
                await stream.WriteAsync(Csv(group.ToList()));
            }
        }
        return new ExportFile($"billing-{period}.zip", "application/zip", zip.ToArray());
    }

    private static string CsvName(string period, string source)
        => $"billing-{period}-{new string(source.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '_').ToArray())}.csv";

    private byte[] Csv(IReadOnlyList<BillingReadingRow> lines)
    {
        var currency = _settings.Currency.ToLowerInvariant();
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            // A client or bucket name like "=HYPERLINK(…)" must stay text in Excel or Sheets.
            InjectionOptions = InjectionOptions.Escape,
            InjectionEscapeCharacter = '\'',
            InjectionCharacters = new[] { '=', '+', '-', '@', '\t', '\r' },
        };
        using var buffer = new MemoryStream();
        // The byte order mark makes Excel read the file as UTF-8 (else "Müller GmbH" opens as "MÃ¼ller GmbH").
        using (var writer = new StreamWriter(buffer, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), leaveOpen: true))
        using (var csv = new CsvWriter(writer, config))
        {
            foreach (var header in new[]
            {
                "period_start", "period_end", "client_id", "client", "bucket_id", "bucket", "source_type", "unit_type", "aggregation",
                "total_usage", "commit", $"base_rate_{currency}", $"overage_rate_{currency}", $"committed_cost_{currency}", "overage_units",
                $"overage_cost_{currency}", "buffer_units", $"buffer_cost_{currency}", $"final_cost_{currency}", "currency", "finalized",
                // Added with contract dates: at the end, so readers of the earlier columns are unaffected.
                "starts_on", "ends_on",
            })
                csv.WriteField(header);
            csv.NextRecord();
            foreach (var l in lines)
            {
                csv.WriteField(l.PeriodStart);
                csv.WriteField(l.PeriodEnd);
                csv.WriteField(l.ClientId);
                csv.WriteField(l.ClientName);
                csv.WriteField(l.BucketId);
                csv.WriteField(l.BucketName);
                csv.WriteField(l.SourceType);
                csv.WriteField(l.UnitType);
                csv.WriteField(BillingMath.Name(l.Aggregation));
                csv.WriteField(Number(l.TotalUsage));
                csv.WriteField(Number(l.Commit));
                csv.WriteField(Number(l.BaseRate));
                csv.WriteField(Number(l.OverageRate));
                csv.WriteField(Cents(l.CommittedCost));
                csv.WriteField(Number(l.OverageUnits));
                csv.WriteField(Cents(l.OverageCost));
                csv.WriteField(Number(l.BufferUnits));
                csv.WriteField(Cents(l.BufferCost));
                csv.WriteField(Cents(l.FinalCost));
                csv.WriteField(_settings.Currency);
                csv.WriteField(l.Finalized ? "true" : "false");
                csv.WriteField(BucketService.DateText(l.StartsOn));
                csv.WriteField(l.EndsOn is DateOnly end ? BucketService.DateText(end) : "");
                csv.NextRecord();
            }
        }
        return buffer.ToArray();
    }

    private static string Number(decimal value) => value.ToString("0.######", CultureInfo.InvariantCulture);

    private static string Cents(decimal value) => value.ToString("0.00", CultureInfo.InvariantCulture);
}
