namespace MeteringConsole.Features.UnitTypes;

public static class UnitTypesRegistration
{
    public static IServiceCollection AddUnitTypes(this IServiceCollection services)
        => services.AddScoped<UnitTypeService>();
}
