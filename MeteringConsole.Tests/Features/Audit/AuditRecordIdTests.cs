using System.Globalization;
using MeteringConsole.Common;
using MeteringConsole.Data;
using MeteringConsole.Features.Audit;
using MeteringConsole.Features.Billing;
using MeteringConsole.Tests.Features.Billing;
using MeteringConsole.Tests.Features.OverUnder;
using Microsoft.Extensions.DependencyInjection;

namespace MeteringConsole.Tests.Features.Audit;

public sealed class AuditRecordIdTests
{
    [Fact]
    public async Task AFinalizedPeriodIsAuditedUnderItsIsoStartDate()
    {
        await using var app = await TestApp.CreateAsync();
        var data = new OverUnderFixture(BillingFixture.For(app), app.Db, app.Services.GetRequiredService<BillingSettings>());
        await data.LineAsync("2026-10-01", "Acme", "vcpu", 1, 1, 1, 1);

        await app.Service<BillingReadingService>(TestApp.Admin).FinalizeAsync("2026-10-01");

        var entry = (await app.Service<AuditService>(TestApp.Admin).ListAsync(new AuditFilter(Table: "billing_periods"), new PageRequest())).Items.Single();
        Assert.Equal("2026-10-01", entry.RecordId);
    }

    [Theory]
    [InlineData("ar-SA")] // another calendar (Umm al-Qura) and digits
    [InlineData("de-DE")] // day first, comma decimals
    [InlineData("th-TH")] // the Buddhist era
    public void RecordIdsReadTheSameWhateverTheServersCulture(string culture)
    {
        var before = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo(culture);

            Assert.Equal("2026-10-01", AuditInterceptor.RecordIdPart(new DateTime(2026, 10, 1)));
            Assert.Equal("2026-10-01T12:30:00.0000000Z", AuditInterceptor.RecordIdPart(new DateTime(2026, 10, 1, 12, 30, 0, DateTimeKind.Utc)));
            Assert.Equal("1234.5", AuditInterceptor.RecordIdPart(1234.5m));
            Assert.Equal("42", AuditInterceptor.RecordIdPart(42));
        }
        finally
        {
            CultureInfo.CurrentCulture = before;
        }
    }
}
