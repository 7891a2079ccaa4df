using MeteringConsole.Features.Account;
using MeteringConsole.Features.Sample;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using static MeteringConsole.Tests.Features.Sample.GeneratedSamples;

namespace MeteringConsole.Tests.Features.Sample;

/// <summary>What the README promises of a sample database: three demo accounts, in their roles, with the documented password.</summary>
internal static class DemoUsers
{
    public static void AssertSignIn(SqliteConnection db)
    {
        var users = Rows(db, """
            SELECT u.Email, r.Name, u.PasswordHash, u.LockoutEnd FROM AspNetUsers u
            JOIN AspNetUserRoles ur ON ur.UserId = u.Id JOIN AspNetRoles r ON r.Id = ur.RoleId ORDER BY u.Email
            """).Select(r => r.Split('|')).ToList();
        Assert.Equal(new[] { "admin@example.com|Admin|∅", "operator@example.com|Operator|∅", "viewer@example.com|Viewer|∅" },
            users.Select(u => $"{u[0]}|{u[1]}|{u[3]}"));
        var hasher = new PasswordHasher<AppUser>();
        Assert.All(users, u => Assert.NotEqual(PasswordVerificationResult.Failed,
            hasher.VerifyHashedPassword(new AppUser(), u[2], SampleCatalog.DemoPassword)));
    }
}
