using MeteringConsole.Domain;
using Microsoft.AspNetCore.Identity;

namespace MeteringConsole.Features.Account;

/// <summary>
/// A console user; the role (Admin, Operator, Viewer) is an Identity role. Audited like every
/// registry row (creation, role, lockout, password change), without its hash and stamps.
/// </summary>
public class AppUser : IdentityUser, IAudited
{
    public DateTime CreatedAt { get; set; }
}
