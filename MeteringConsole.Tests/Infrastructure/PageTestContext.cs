using Bunit;
using MeteringConsole.Common;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;

namespace MeteringConsole.Tests.Infrastructure;

/// <summary>
/// bunit over the app's real services and a real migrated SQLite file: a page or dialog rendered
/// as a signed-in user of one role, with MudBlazor's dialog, popover and snackbar providers.
/// Use one per test (<c>await using</c>): MudBlazor's services are only async-disposable.
/// </summary>
public sealed class PageTestContext : IAsyncDisposable
{
    private readonly AsyncServiceScope _scope;
    private readonly bool _ownsApp;

    public BunitContext Bunit { get; } = new();
    public TestApp App { get; }
    public Actor Actor { get; }

    /// <summary>Where dialogs render: find their fields and buttons here.</summary>
    public IRenderedComponent<MudDialogProvider> Dialogs { get; private set; } = null!;
    public IRenderedComponent<MudSnackbarProvider> Snackbars { get; private set; } = null!;
    public IRenderedComponent<MudPopoverProvider> Popovers { get; private set; } = null!;

    private PageTestContext(TestApp app, Actor actor, bool ownsApp)
    {
        App = app;
        Actor = actor;
        _ownsApp = ownsApp;
        _scope = app.Scope(actor);
    }

    /// <summary>A context over <paramref name="app"/> (or a new, empty database) acting as <paramref name="actor"/>.</summary>
    public static async Task<PageTestContext> CreateAsync(Actor actor, TestApp? app = null)
    {
        var context = new PageTestContext(app ?? await TestApp.CreateAsync(), actor, ownsApp: app is null);
        var bunit = context.Bunit;
        // Every service is registered before anything reads the container (bunit refuses later additions).
        bunit.Services.AddMudServices(o => o.SnackbarConfiguration.ShowTransitionDuration = 0);
        bunit.Services.AddSingleton<TimeProvider>(context.App.Clock);
        // Everything else (the feature services) comes from the app, acting as the actor.
        bunit.Services.AddFallbackServiceProvider(context._scope.ServiceProvider);
        var auth = bunit.AddAuthorization();
        auth.SetAuthorized(actor.Name);
        auth.SetRoles(actor.Role);
        bunit.JSInterop.Mode = JSRuntimeMode.Loose;
        bunit.SetRendererInfo(new RendererInfo("Server", true));
        context.Popovers = bunit.Render<MudPopoverProvider>();
        context.Dialogs = bunit.Render<MudDialogProvider>();
        context.Snackbars = bunit.Render<MudSnackbarProvider>();
        return context;
    }

    public IRenderedComponent<T> Render<T>(Action<ComponentParameterCollectionBuilder<T>>? parameters = null) where T : IComponent
        => parameters is null ? Bunit.Render<T>() : Bunit.Render(parameters);

    /// <summary>A service as the test's own actor, for arranging data and checking what was saved.</summary>
    public T Service<T>() where T : notnull => _scope.ServiceProvider.GetRequiredService<T>();

    public async ValueTask DisposeAsync()
    {
        await Bunit.DisposeAsync();
        await _scope.DisposeAsync();
        if (_ownsApp) await App.DisposeAsync();
    }
}
