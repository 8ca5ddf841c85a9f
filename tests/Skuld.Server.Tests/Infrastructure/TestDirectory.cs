using Skuld.Store.Auth;
using Skuld.Store.Directory;

namespace Skuld.Server.Tests.Infrastructure;

/// <summary>Seeds tenants, users and apps straight into a test server's store.</summary>
public static class TestDirectory
{
    public const string Password = "Passw0rd!-for-tests";

    public static async Task<Tenant> AddTenantAsync(this SkuldServer server, string domain)
    {
        var tenant = new Tenant
        {
            Id = Guid.NewGuid(),
            DisplayName = domain,
            Domain = domain,
            InitialDomain = $"{domain.Split('.')[0]}.onmicrosoft.com",
            CountryLetterCode = "US",
            CreatedDateTime = server.Time.GetUtcNow(),
        };
        await using var db = server.NewDb();
        db.Tenants.Add(tenant);
        await db.SaveChangesAsync();
        return tenant;
    }

    /// <summary>A user who signs in with <see cref="Password"/> (or with none when <paramref name="password"/> is null).</summary>
    public static async Task<User> AddUserAsync(
        this SkuldServer server, Tenant tenant, string name, string? password = Password, params DirectoryRole[] roles)
    {
        var user = new User
        {
            TenantId = tenant.Id,
            Id = Guid.NewGuid(),
            UserPrincipalName = $"{name}@{tenant.Domain}",
            DisplayName = name,
            PasswordHash = password is null ? null : SecretHasher.Hash(password),
            CreatedDateTime = server.Time.GetUtcNow(),
        };
        await using var db = server.NewDb();
        db.Users.Add(user);
        db.RoleAssignments.AddRange(roles.Select(role => new RoleAssignment { TenantId = tenant.Id, PrincipalId = user.Id, Role = role }));
        await db.SaveChangesAsync();
        return user;
    }

    public sealed record App(AppRegistration Registration, string Secret);

    public static async Task<App> AddAppAsync(this SkuldServer server, Tenant tenant, string name, params DirectoryRole[] roles)
    {
        var secret = SecretHasher.NewSecret();
        var app = new AppRegistration
        {
            TenantId = tenant.Id,
            Id = Guid.NewGuid(),
            AppId = Guid.NewGuid(),
            DisplayName = name,
            SecretHash = SecretHasher.Hash(secret),
            CreatedDateTime = server.Time.GetUtcNow(),
        };
        await using var db = server.NewDb();
        db.AppRegistrations.Add(app);
        db.RoleAssignments.AddRange(roles.Select(role => new RoleAssignment { TenantId = tenant.Id, PrincipalId = app.Id, Role = role }));
        await db.SaveChangesAsync();
        return new App(app, secret);
    }
}
