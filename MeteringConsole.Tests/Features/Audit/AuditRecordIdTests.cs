using MeteringConsole.Common;
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
}
