using MeteringConsole.Common;
using MeteringConsole.Data;
using MeteringConsole.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace MeteringConsole.Tests.Infrastructure;

/// <summary>
/// The app's real services over a fresh, migrated SQLite file: what service tests call.
/// Each test (or class) gets its own file, deleted on dispose.
/// </summary>
public sealed class TestApp : IAsyncDisposable
{
    public static readonly Actor Admin = new(ActorKind.User, "admin@test", Roles.Admin, UserId: "u-admin");
    public static readonly Actor Operator = new(ActorKind.User, "operator@test", Roles.Operator, UserId: "u-op");
    public static readonly Actor Viewer = new(ActorKind.User, "viewer@test", Roles.Viewer, UserId: "u-viewer");

    private readonly IHost _host;
    private readonly bool _ownsDatabase = true;
    public TempDatabase Database { get; }
    public IServiceProvider Services => _host.Services;

    /// <summary>The app's clock, pinned to <see cref="TestClock.Now"/>; a test may move it.</summary>
    public FakeTimeProvider Clock { get; }

    private TestApp(TempDatabase database, FakeTimeProvider clock, Func<FakeTimeProvider, IHost> host, bool ownsDatabase = true)
    {
        _ownsDatabase = ownsDatabase;
        Clock = clock;
        _host = host(clock);
        Database = database;
    }

    public static async Task<TestApp> CreateAsync(Action<IDictionary<string, string?>>? configure = null)
    {
        var database = new TempDatabase();
        var settings = new Dictionary<string, string?>(database.Settings);
        configure?.Invoke(settings);
        var app = new TestApp(database, new FakeTimeProvider(TestClock.Now),
            clock => OfflineHost.Build(database.FilePath, settings, environment: "Testing", clock));
        await using (await app._host.MigratedScopeAsync(Actor.System("test"))) { }
        return app;
    }

    /// <summary>
    /// A second app on this app's database, with its own services, semaphores and clock, as a second
    /// console process would have; disposing it leaves the database to this app.
    /// </summary>
    public async Task<TestApp> SiblingAsync()
    {
        var settings = new Dictionary<string, string?>(Database.Settings);
        var sibling = new TestApp(Database, new FakeTimeProvider(TestClock.Now),
            clock => OfflineHost.Build(Database.FilePath, settings, environment: "Testing", clock), ownsDatabase: false);
        await using (await sibling._host.MigratedScopeAsync(Actor.System("test"))) { }
        return sibling;
    }

    /// <summary>A DI scope acting as the given actor.</summary>
    public AsyncServiceScope Scope(Actor actor)
    {
        var scope = _host.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentActor>().Set(actor);
        return scope;
    }

    /// <summary>A service acting as the given actor (its scope lives as long as the app).</summary>
    public T Service<T>(Actor actor) where T : notnull => Scope(actor).ServiceProvider.GetRequiredService<T>();

    /// <summary>A context for assertions; not audited as anyone in particular.</summary>
    public AppDbContext Db() => Scope(Actor.System("test")).ServiceProvider.GetRequiredService<AppDbContext>();

    public async ValueTask DisposeAsync()
    {
        _host.Dispose();
        await Task.Yield();
        if (_ownsDatabase) Database.Dispose();
    }
}
