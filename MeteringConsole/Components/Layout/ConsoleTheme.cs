using MudBlazor;

namespace MeteringConsole.Components.Layout;

/// <summary>The console's one theme: every colour, font and size that pages share is set here.</summary>
public static class ConsoleTheme
{
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#3f3dbf",
            Secondary = "#00838f",
            AppbarBackground = "#3f3dbf",
            Background = "#f6f7fb",
            DrawerBackground = "#ffffff",
            DrawerText = "#374151",
            Success = "#2e7d32",
            Warning = "#b45309",
            Error = "#c62828",
            Info = "#1565c0",
        },
        Typography = new Typography
        {
            // Offline machines: no web font is fetched, the system's sans-serif stands in for Roboto.
            Default = new DefaultTypography { FontFamily = ["Roboto", "Segoe UI", "Helvetica Neue", "Arial", "sans-serif"], FontSize = ".875rem" },
            H4 = new H4Typography { FontSize = "1.6rem", FontWeight = "500", LineHeight = "1.3" },
            H5 = new H5Typography { FontSize = "1.25rem", FontWeight = "500", LineHeight = "1.3" },
            H6 = new H6Typography { FontSize = "1.05rem", FontWeight = "500", LineHeight = "1.3" },
        },
        LayoutProperties = new LayoutProperties { DrawerWidthLeft = "230px", DefaultBorderRadius = "6px" },
    };

    /// <summary>Dialog sizes: forms are small, dialogs with lists are medium.</summary>
    public static DialogOptions FormDialog(MaxWidth width = MaxWidth.Small) => new()
    {
        MaxWidth = width, FullWidth = true, CloseOnEscapeKey = true, CloseButton = true, BackdropClick = false,
    };
}
