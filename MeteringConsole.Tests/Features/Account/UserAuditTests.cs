using System.Text.Json;
using MeteringConsole.Common;
using MeteringConsole.Domain;
using MeteringConsole.Features.Account;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MeteringConsole.Tests.Features.Account;

/// <summary>Console users are audited like any registry row: created, role changed, password changed; never a hash or stamp.</summary>
public sealed class UserAuditTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.CreateAsync();
    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task CreatingAUserRecordsTheUserAndItsRole()
    {
        var user = await _app.Service<UserService>(TestApp.Admin).AddAsync("bo@test.example", Roles.Viewer, "first-password-1");

        var entries = await EntriesAsync(user.Id);
        var created = Assert.Single(entries, e => e.Table == "AspNetUsers" && e.Action == "Insert");
        Assert.Equal("user:admin@test", created.Actor);
        Assert.Equal("bo@test.example", Values(created.NewValues)["email"].GetString());
        var role = Assert.Single(entries, e => e.Table == "AspNetUserRoles" && e.Action == "Insert");
        Assert.Equal("Viewer", Values(role.NewValues)["role"].GetString());
        NoSecrets(entries);
    }

    [Fact]
    public async Task ChangingTheRoleRecordsTheOldRoleLeavingAndTheNewOneComing()
    {
        var users = _app.Service<UserService>(TestApp.Admin);
        var user = await users.AddAsync("cy@test.example", Roles.Viewer, "first-password-1");

        await users.SetRoleAsync("cy@test.example", Roles.Operator);

        var roles = (await EntriesAsync(user.Id)).Where(e => e.Table == "AspNetUserRoles").ToList();
        Assert.Equal(new[] { ("Insert", "Viewer"), ("Delete", "Viewer"), ("Insert", "Operator") },
            roles.Select(e => (e.Action, Values(e.Action == "Delete" ? e.OldValues : e.NewValues)["role"].GetString() ?? "")));
        await using var scope = _app.Scope(TestApp.Admin);
        var manager = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        Assert.Equal(new[] { Roles.Operator }, await manager.GetRolesAsync((await manager.FindByEmailAsync("cy@test.example"))!));
    }

    [Fact]
    public async Task ChangingThePasswordIsRecordedAsChangedWithoutTheHash()
    {
        var users = _app.Service<UserService>(TestApp.Admin);
        var user = await users.AddAsync("di@test.example", Roles.Viewer, "first-password-1");

        await users.SetPasswordAsync("di@test.example", "second-password-2");

        var entries = await EntriesAsync(user.Id);
        var update = Assert.Single(entries, e => e.Action == "Update");
        Assert.Equal("(hidden)", Values(update.OldValues)["password"].GetString());
        Assert.Equal("(changed)", Values(update.NewValues)["password"].GetString());
        NoSecrets(entries);
        await using var scope = _app.Scope(TestApp.Admin);
        var manager = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        Assert.True(await manager.CheckPasswordAsync((await manager.FindByEmailAsync("di@test.example"))!, "second-password-2"));
    }

    [Fact]
    public async Task ABadNewPasswordOrRoleChangesNothing()
    {
        var users = _app.Service<UserService>(TestApp.Admin);
        var user = await users.AddAsync("ed@test.example", Roles.Viewer, "first-password-1");
        var before = (await EntriesAsync(user.Id)).Count;

        Assert.Contains("password", (await Assert.ThrowsAsync<ValidationException>(() => users.SetPasswordAsync("ed@test.example", "short"))).Errors.Keys);
        Assert.Contains("role", (await Assert.ThrowsAsync<ValidationException>(() => users.SetRoleAsync("ed@test.example", "Root"))).Errors.Keys);
        await Assert.ThrowsAsync<NotFoundException>(() => users.SetRoleAsync("nobody@test.example", Roles.Admin));
        Assert.Equal(before, (await EntriesAsync(user.Id)).Count);
    }

    [Fact]
    public async Task OnlyAnAdminManagesUsers()
    {
        await Assert.ThrowsAsync<ForbiddenException>(() => _app.Service<UserService>(TestApp.Operator).AddAsync("fi@test.example", Roles.Admin, "first-password-1"));
        await Assert.ThrowsAsync<ForbiddenException>(() => _app.Service<UserService>(TestApp.Operator).SetRoleAsync("fi@test.example", Roles.Admin));
    }

    private async Task<List<AuditEntry>> EntriesAsync(string userId)
    {
        await using var db = _app.Db();
        return await db.AuditEntries.Where(a => a.RecordId == userId || a.RecordId.StartsWith(userId + ",")).OrderBy(a => a.Id).ToListAsync();
    }

    private static Dictionary<string, JsonElement> Values(string? json) => JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json!)!;

    private static void NoSecrets(IEnumerable<AuditEntry> entries)
    {
        foreach (var e in entries)
        {
            var text = (e.OldValues ?? "") + (e.NewValues ?? "");
            Assert.DoesNotContain("hash", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("stamp", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("AQAAAA", text); // the start of every Identity v3 password hash
        }
    }
}
