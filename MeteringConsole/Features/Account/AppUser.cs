using Microsoft.AspNetCore.Identity;

namespace MeteringConsole.Features.Account;

/// <summary>A console user; the role (Admin, Operator, Viewer) is an Identity role.</summary>
public class AppUser : IdentityUser
{
    public DateTime CreatedAt { get; set; }
}
