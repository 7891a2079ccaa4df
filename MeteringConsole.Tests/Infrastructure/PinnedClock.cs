
namespace MeteringConsole.Tests.Infrastructure;

public static class PinnedClock
{
    /// <summary>
    /// MudBlazor's input debounce runs on the app's clock, which tests pin: moves it on in small
    /// steps (its timer may start a moment after the input event) until <paramref name="done"/>.
    /// </summary>
    public static async Task PassDebounceAsync(PageTestContext ctx, Func<bool> done)
    {
        for (var i = 0; i < 50 && !done(); i++)
        {
            ctx.App.Clock.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(50);
        }
    }
}
