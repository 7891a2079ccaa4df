namespace MeteringConsole.Features.Assets;

public static class AssetsRegistration
{
    public static IServiceCollection AddAssets(this IServiceCollection services) => services.AddScoped<AssetService>();
}
