using MeteringConsole.Common;
using Microsoft.AspNetCore.Identity;

namespace MeteringConsole.Features.Account;

/// <summary>Creates console users; used by <c>user add</c> and the sample database.</summary>
public sealed class UserService
{
    private readonly UserManager<AppUser> _users;
    private readonly TimeProvider _clock;
    private readonly RoleManager<IdentityRole> _roles;

    public UserService(UserManager<AppUser> users, RoleManager<IdentityRole> roles, TimeProvider clock)
    {
        _clock = clock;
        _users = users;
        _roles = roles;
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
        var v = new Validator()
            .Required(email, "email", 256)
            .Check(string.IsNullOrEmpty(email) || System.Net.Mail.MailAddress.TryCreate(email, out _), "email", "Email is not a valid address.")
            .Check(Roles.UserRoles.Contains(role), "role", $"Role must be one of {string.Join(", ", Roles.UserRoles)}.")
            .Check(!string.IsNullOrEmpty(password), "password", "Password is required.");
        v.ThrowIfInvalid();
        await EnsureRolesAsync();
        if (await _users.FindByEmailAsync(email) is not null)
            throw new ConflictException($"A user with email {email} already exists.");

        var user = new AppUser { UserName = email, Email = email, EmailConfirmed = true, CreatedAt = _clock.GetUtcNow().UtcDateTime };
        var passwordErrors = new List<string>();
        foreach (var validator in _users.PasswordValidators)
        {
            var check = await validator.ValidateAsync(_users, user, password);
            passwordErrors.AddRange(check.Errors.Select(e => e.Description));
        }
        if (passwordErrors.Count > 0)
            throw new ValidationException(new Dictionary<string, string[]> { ["password"] = passwordErrors.ToArray() });

        var created = await _users.CreateAsync(user, password);
        if (!created.Succeeded)
            throw new ValidationException(new Dictionary<string, string[]> { ["email"] = created.Errors.Select(e => e.Description).ToArray() });
        await _users.AddToRoleAsync(user, role);
        return user;
    }
}
