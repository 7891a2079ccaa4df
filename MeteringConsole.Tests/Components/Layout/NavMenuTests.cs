using MeteringConsole.Components.Layout;

namespace MeteringConsole.Tests.Components.Layout;

public sealed class NavMenuTests
{
    [Fact]
    public async Task AViewerIsNotOfferedRecordUsageWhichItCannotOpen()
    {
        await using var viewer = await PageTestContext.CreateAsync(TestApp.Viewer);
        await using var operatorCtx = await PageTestContext.CreateAsync(TestApp.Operator);

        var viewerMenu = viewer.Render<NavMenu>().Markup;
        var operatorMenu = operatorCtx.Render<NavMenu>().Markup;

        Assert.DoesNotContain("Record Usage", viewerMenu);
        Assert.Contains("Over/Under", viewerMenu);
        Assert.Contains("Record Usage", operatorMenu);
    }
}
