using System.Security.Claims;
using System.Text.Json;
using MeteringConsole.Common;
using MeteringConsole.Data;
using Microsoft.AspNetCore.Identity;

namespace MeteringConsole.Features.Account;

/// <summary>What the sign-in form shows: success, or the one message a refusal gets.</summary>
public sealed record SignInAttempt(bool Succeeded, string? Error)
{
    public static readonly SignInAttempt Success = new(true, null);
}

/// <summary>
/// Password sign-in and sign-out for the console. An unknown email and a wrong password get the
/// same answer after the same work (a password hash is checked either way), and "locked" is told
/// only to someone who typed the account's right password, so the form never tells whether an
/// account exists. Signing in and out is audited; signing out renews the account's security
/// stamp, so a copy of the old cookie is refused from then on.
/// </summary>
public sealed class SignInService
{
    public const string WrongCredentials = "Email or password is incorrect.";
    public const string LockedOut = "This account is locked after repeated failed sign-ins. Try again in 15 minutes or ask an administrator.";

    /// <summary>A hash of a random password, made once with the app's hasher, for unknown emails to be checked against.</summary>
    private static string? _dummyHash;

    private readonly SignInManager<AppUser> _signIn;
    private readonly UserManager<AppUser> _users;
    private readonly IPasswordHasher<AppUser> _hasher;
    private readonly DatabaseOptions _database;
    private readonly TimeProvider _clock;
    private readonly ILogger<SignInService> _log;

    public SignInService(SignInManager<AppUser> signIn, UserManager<AppUser> users, IPasswordHasher<AppUser> hasher,
        DatabaseOptions database, TimeProvider clock, ILogger<SignInService> log)
    {
        _signIn = signIn;
        _users = users;
        _hasher = hasher;
        _database = database;
        _clock = clock;
        _log = log;
    }

    /// <summary>Checks the password and, when it is right and the account is not locked, sets the session cookie.</summary>
    public async Task<SignInAttempt> SignInAsync(string email, string password)
    {
        var user = await _users.FindByNameAsync(email.Trim());
        if (user is null)
        {
            var dummy = new AppUser();
            _hasher.VerifyHashedPassword(dummy, _dummyHash ??= _hasher.HashPassword(dummy, Guid.NewGuid().ToString("N")), password);
            _log.LogInformation("Sign-in refused: no account for the email given");
            return new SignInAttempt(false, WrongCredentials);
        }
        if (await _users.IsLockedOutAsync(user))
        {
            // Identity refuses a locked account before it checks the password; check it here so the
            // answer takes as long as any other, and say "locked" only to whoever knows the password.
            var knowsPassword = await _users.CheckPasswordAsync(user, password);
            _log.LogInformation("Sign-in refused: {Email} is locked out", user.Email);
            return new SignInAttempt(false, knowsPassword ? LockedOut : WrongCredentials);
        }
        var result = await _signIn.PasswordSignInAsync(user, password, isPersistent: false, lockoutOnFailure: true);
        if (!result.Succeeded)
        {
            // The attempt that locks the account had a wrong password: it is answered as a wrong password.
            _log.LogInformation("Sign-in refused for {Email}{Locked}", user.Email, result.IsLockedOut ? ": now locked out" : "");
            return new SignInAttempt(false, WrongCredentials);
        }
        _log.LogInformation("{Email} signed in", user.Email);
        await RecordAsync("SignIn", user);
        return SignInAttempt.Success;
    }

    /// <summary>Ends the session: the account's security stamp changes, so every cookie issued before is refused.</summary>
    public async Task SignOutAsync(ClaimsPrincipal principal)
    {
        if (await _users.GetUserAsync(principal) is { } user)
        {
            await _users.UpdateSecurityStampAsync(user);
            await RecordAsync("SignOut", user);
        }
        await _signIn.SignOutAsync();
    }

    /// <summary>A sign-in or sign-out changes no row, so it is written to the audit log as an entry of its own.</summary>
    private async Task RecordAsync(string action, AppUser user)
    {
        await using var connection = await _database.OpenAsync();
        var actor = new Actor(ActorKind.User, user.UserName ?? user.Id, "", UserId: user.Id);
        await AuditRows.InsertAsync(connection, null, action, "AspNetUsers", user.Id, actor, _clock.GetUtcNow().UtcDateTime,
            null, JsonSerializer.Serialize(new Dictionary<string, string?> { ["email"] = user.Email }), CancellationToken.None);
    }
}
