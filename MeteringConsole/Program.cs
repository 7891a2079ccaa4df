using MeteringConsole.Api;
using MeteringConsole.Cli;
using MeteringConsole.Common;
using MeteringConsole.Components;
using MeteringConsole.Data;
using MeteringConsole.Features;

ShutdownSignals.RestoreInterrupt();
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppFolder.ContentRoot(args) });
var command = CommandLine.Parse(args);
if (command is not null) CommandLine.QuietLogging(builder.Logging);

// Serve MudBlazor's and our compressed assets from the build output in every environment, not
// only Development (a no-op once published, where they sit in wwwroot).
builder.WebHost.UseStaticWebAssets();
builder.AddData();
builder.Services.AddConsoleUi().AddApi().AddFeatures();

var app = builder.Build();
if (command is not null) return await CommandLine.RunAsync(app, command);

await app.InitializeDatabaseAsync();
app.UseConsolePipeline();
app.MapFeatureEndpoints();
app.Run();
return 0;

namespace MeteringConsole
{
    /// <summary>Entry point marker for <c>WebApplicationFactory</c>.</summary>
    public partial class Program;
}
