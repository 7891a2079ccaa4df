using MeteringConsole.Common;
using MeteringConsole.Data;
using Microsoft.AspNetCore.Identity;

namespace MeteringConsole.Features.Account;

/// <summary>
/// Creates console users and changes their role or password; used by the <c>user</c> commands and
/// the sample database. Every change is audited (the user row and its role rows, never the hash).
/// </summary>
public sealed class UserService
{
    private readonly UserManager<AppUser> _users;
    private readonly TimeProvider _clock;
    private readonly RoleManager<IdentityRole> _roles;
    private readonly AppDbContext _db;
    private readonly CurrentActor _actor;

    public UserService(UserManager<AppUser> users, RoleManager<IdentityRole> roles, AppDbContext db, CurrentActor actor, TimeProvider clock)
    {
        _clock = clock;
        _users = users;
        _roles = roles;
        _db = db;
        _actor = actor;
    }

    public async Task EnsureRolesAsync()
    {
        foreach (var role in Roles.UserRoles)
            if (!await _roles.RoleExistsAsync(role))
                await _roles.CreateAsync(new IdentityRole(role));
    }

    /// <summary>Adds a user with one role; refuses bad input before touching the database.</summary>
    public async Task<AppUser> AddAsync(string email, string role, string password)
    {
        await _actor.RequireAsync(Permission.Admin);
        var v = new Validator()
            .Required(email, "email", 256)
            .Check(string.IsNullOrEmpty(email) || System.Net.Mail.MailAddress.TryCreate(email, out _), "email", "Email is not a valid address.")
            .Check(Roles.UserRoles.Contains(role), "role", RoleMessage)
            .Check(!string.IsNullOrEmpty(password), "password", "Password is required.");
        v.ThrowIfInvalid();
        await EnsureRolesAsync();
        if (await _users.FindByEmailAsync(email) is not null)
            throw new ConflictException($"A user with email {email} already exists.");

        var user = new AppUser { UserName = email, Email = email, EmailConfirmed = true, CreatedAt = _clock.GetUtcNow().UtcDateTime };
        await ValidatePasswordAsync(user, password);
        await using var transaction = await _db.Database.BeginTransactionAsync();
        var created = await _users.CreateAsync(user, password);
        if (!created.Succeeded)
            throw new ValidationException(new Dictionary<string, string[]> { ["email"] = created.Errors.Select(e => e.Description).ToArray() });
        await _users.AddToRoleAsync(user, role);
        await transaction.CommitAsync();
        return user;
    }

    /// <summary>Makes <paramref name="role"/> the user's only role. Their open sessions end: the new role applies from the next sign-in.</summary>
    public async Task SetRoleAsync(string email, string role)
    {
        await _actor.RequireAsync(Permission.Admin);
        new Validator().Check(Roles.UserRoles.Contains(role), "role", RoleMessage).ThrowIfInvalid();
        var user = await FindAsync(email);
        var current = await _users.GetRolesAsync(user);
        if (current.Count == 1 && current[0] == role) return;
        await EnsureRolesAsync();
        await using var transaction = await _db.Database.BeginTransactionAsync();
        Check(await _users.RemoveFromRolesAsync(user, current));
        Check(await _users.AddToRoleAsync(user, role));
        Check(await _users.UpdateSecurityStampAsync(user));
        await transaction.CommitAsync();
    }

    /// <summary>Sets a new password (checked by the same rules as at creation); the user's open sessions end.</summary>
    public async Task SetPasswordAsync(string email, string password)
    {
        await _actor.RequireAsync(Permission.Admin);
        new Validator().Check(!string.IsNullOrEmpty(password), "password", "Password is required.").ThrowIfInvalid();
        var user = await FindAsync(email);
        await ValidatePasswordAsync(user, password);
        user.PasswordHash = _users.PasswordHasher.HashPassword(user, password);
        // One save: the new hash (audited as "password changed") and a new stamp, which refuses older cookies.
        Check(await _users.UpdateSecurityStampAsync(user));
    }

    private const string RoleMessage = "Role must be one of Admin, Operator, Viewer.";

    private async Task<AppUser> FindAsync(string email)
    {
        new Validator().Required(email, "email", 256).ThrowIfInvalid();
        return await _users.FindByEmailAsync(email.Trim()) ?? throw new NotFoundException("User", email);
    }

    private async Task ValidatePasswordAsync(AppUser user, string password)
    {
        var errors = new List<string>();
        foreach (var validator in _users.PasswordValidators)
            errors.AddRange((await validator.ValidateAsync(_users, user, password)).Errors.Select(e => e.Description));
        if (errors.Count > 0) throw new ValidationException(new Dictionary<string, string[]> { ["password"] = errors.ToArray() });
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded) throw new InvalidOperationException(string.Join(" ", result.Errors.Select(e => e.Description)));
    }
}
