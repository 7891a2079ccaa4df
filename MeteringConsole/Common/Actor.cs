namespace MeteringConsole.Common;

public enum ActorKind { Anonymous, User, ApiKey, System }

/// <summary>Role names: console users (Admin, Operator, Viewer) and API keys (Admin, Ingest, ReadOnly).</summary>
public static class Roles
{
    public const string Admin = "Admin";
    public const string Operator = "Operator";
    public const string Viewer = "Viewer";
    public const string Ingest = "Ingest";
    public const string ReadOnly = "ReadOnly";

    public static readonly string[] UserRoles = { Admin, Operator, Viewer };
    public const string Editors = Admin + "," + Operator;

    /// <summary>May edit registries: pages show their edit controls (the services check again).</summary>
    public static bool IsEditor(System.Security.Claims.ClaimsPrincipal user) => user.IsInRole(Admin) || user.IsInRole(Operator);
}

/// <summary>Who is acting: a signed-in user, an API key, or the system itself (jobs, command line).</summary>
public sealed record Actor(ActorKind Kind, string Name, string Role, string? UserId = null, int? ApiKeyId = null, int? ClientScope = null)
{
    public static readonly Actor Anonymous = new(ActorKind.Anonymous, "anonymous", "");

    public static Actor System(string name) => new(ActorKind.System, name, Roles.Admin);

    /// <summary>How the actor is written in audit entries and "started by" columns.</summary>
    public string Label => Kind switch
    {
        ActorKind.User => $"user:{Name}",
        ActorKind.ApiKey => $"apikey:{Name} ({ApiKeyId})",
        ActorKind.System => $"system:{Name}",
        _ => "anonymous",
    };

    /// <summary>Compact sender stamp for every usage reading (a row per reading, so kept short).</summary>
    public string SenderId => Kind switch
    {
        ActorKind.User => $"user:{Name}",
        ActorKind.ApiKey => $"apikey:{ApiKeyId}",
        ActorKind.System => $"system:{Name}",
        _ => "anonymous",
    };

    public bool Can(Permission permission) => Kind switch
    {
        ActorKind.System => true,
        ActorKind.User => permission switch
        {
            Permission.Read => true,
            Permission.Write or Permission.Ingest => Role is Roles.Admin or Roles.Operator,
            Permission.Admin => Role == Roles.Admin,
            _ => false,
        },
        ActorKind.ApiKey => permission switch
        {
            Permission.Read => Role is Roles.Admin or Roles.ReadOnly,
            Permission.Write or Permission.Admin => Role == Roles.Admin,
            Permission.Ingest => Role is Roles.Admin or Roles.Ingest,
            _ => false,
        },
        _ => false,
    };

    /// <summary>False when the actor is scoped to another client.</summary>
    public bool MaySee(int? clientId) => ClientScope is null || ClientScope == clientId;
}

public enum Permission
{
    /// <summary>See registries and results.</summary>
    Read,
    /// <summary>Create, edit and delete registry rows; run jobs.</summary>
    Write,
    /// <summary>Send usage readings.</summary>
    Ingest,
    /// <summary>API keys, users, the audit log, finalizing periods.</summary>
    Admin,
}
