using MeteringConsole.Data;
using MudBlazor;
using MudBlazor.Services;

namespace MeteringConsole.Components;

public static class UiRegistration
{
    public static IServiceCollection AddConsoleUi(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices(o =>
        {
            o.SnackbarConfiguration.PositionClass = Defaults.Classes.Position.BottomRight;
            o.SnackbarConfiguration.VisibleStateDuration = 5000;
            o.SnackbarConfiguration.PreventDuplicates = false;
        });
        return services;
    }

    public static async Task InitializeDatabaseAsync(this WebApplication app)
    {
        using var scope = app.Services.CreateScope();
        var init = scope.ServiceProvider.GetRequiredService<DatabaseInitializer>();
        await init.SeedFromSampleIfMissingAsync();
        await init.MigrateAsync();
    }

    public static WebApplication UseConsolePipeline(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseExceptionHandler("/error", createScopeForErrors: true);
        if (!app.Environment.IsDevelopment()) app.UseHsts();
        // The API answers problem+json for unknown paths; every other unknown URL shows the console's page.
        app.UseWhen(c => !c.Request.Path.StartsWithSegments("/api"), branch => branch.UseStatusCodePagesWithReExecute("/not-found"));
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/api"), branch => branch.UseStatusCodePages());
        // Routing after the status code pages, so that a re-executed request is routed anew.
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
