using System.Net;
using Microsoft.EntityFrameworkCore;
using Skuld.Server.Tests.Infrastructure;
using Skuld.Store.Directory;
using Skuld.Testing;

namespace Skuld.Server.Tests.Security;

public enum Operation
{
    Token,
    ListUsers,
    GetUserById,
    GetUserByUpn,
    CreateUser,
    PatchDisplayName,
    PatchUsageLocation,
    PatchDisplayNameAndUsageLocation,
    DeleteUser,
    AssignLicense,
    ListLicenseDetails,
    ListSubscribedSkus,
    GetSubscribedSku,
    ListOrganization,
    GetOrganization,
    Me,
    MeLicenseDetails,
    MeAssignLicense,
}

/// <summary>
/// Every role (and no role), as a user and as an app, against every endpoint: allowed with the
/// endpoint's success status, or 403 <c>Authorization_RequestDenied</c> with nothing changed.
/// </summary>
public sealed class RoleMatrixTests(SecurityWorlds worlds) : IClassFixture<SecurityWorlds>
{
    /// <summary>
    /// The expected outcomes, written by hand from DESIGN.md "Roles" and reference §3 — deliberately not
    /// computed from RolePermissions, so a wrong entry there fails here. Columns follow <see cref="Role"/>.
    /// Notable rows: a License Administrator may change a user's usage location but nothing else about
    /// the user; a Groups Administrator may neither; a Reports Reader cannot read the directory; a
    /// principal with no role may only ask for a token and read itself.
    /// </summary>
    private static readonly Dictionary<Operation, string> Expected = new()
    {
        //                                            GA   UA   LA   GrA  GR   RR   none
        [Operation.Token] =                          "yes  yes  yes  yes  yes  yes  yes",
        [Operation.ListUsers] =                      "yes  yes  yes  yes  yes  no   no",
        [Operation.GetUserById] =                    "yes  yes  yes  yes  yes  no   no",
        [Operation.GetUserByUpn] =                   "yes  yes  yes  yes  yes  no   no",
        [Operation.CreateUser] =                     "yes  yes  no   no   no   no   no",
        [Operation.PatchDisplayName] =               "yes  yes  no   no   no   no   no",
        [Operation.PatchUsageLocation] =             "yes  yes  yes  no   no   no   no",
        [Operation.PatchDisplayNameAndUsageLocation] = "yes  yes  no   no   no   no   no",
        [Operation.DeleteUser] =                     "yes  yes  no   no   no   no   no",
        [Operation.AssignLicense] =                  "yes  yes  yes  no   no   no   no",
        [Operation.ListLicenseDetails] =             "yes  yes  yes  yes  yes  no   no",
        [Operation.ListSubscribedSkus] =             "yes  yes  yes  yes  yes  no   no",
        [Operation.GetSubscribedSku] =               "yes  yes  yes  yes  yes  no   no",
        [Operation.ListOrganization] =               "yes  yes  yes  yes  yes  no   no",
        [Operation.GetOrganization] =                "yes  yes  yes  yes  yes  no   no",
        [Operation.Me] =                             "yes  yes  yes  yes  yes  yes  yes",
        [Operation.MeLicenseDetails] =               "yes  yes  yes  yes  yes  yes  yes",
        [Operation.MeAssignLicense] =                "yes  yes  yes  no   no   no   no",
    };

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public static IEnumerable<TheoryDataRow<StoreKind, Principal, Role, Operation>> Rows() =>
        from kind in Enum.GetValues<StoreKind>()
        from principal in Enum.GetValues<Principal>()
        from role in Enum.GetValues<Role>()
        from operation in Enum.GetValues<Operation>()
        select new TheoryDataRow<StoreKind, Principal, Role, Operation>(kind, principal, role, operation);

    [Fact]
    public void Expectation_table_covers_every_operation_and_role()
    {
        foreach (var operation in Enum.GetValues<Operation>())
        {
            Assert.Equal(Enum.GetValues<Role>().Length, Expected[operation].Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
        }
    }

    [Theory, MemberData(nameof(Rows))]
    public async Task Caller_is_allowed_or_refused_exactly_as_the_role_table_says(
        StoreKind kind, Principal principal, Role role, Operation operation)
    {
        var world = await worlds.GetAsync(kind);
        var client = await world.ClientAsync(role, principal);
        var allowed = IsAllowed(operation, role);
        var target = await world.AddTargetAsync(world.Home, "target");
        var before = await StoreSnapshot.TakeAsync(world.Server);

        var response = await SendAsync(world, client, principal, role, operation, target);

        if (!allowed)
        {
            await GraphAssert.ErrorAsync(response, HttpStatusCode.Forbidden, "Authorization_RequestDenied", GraphAssert.Forbidden);
            before.AssertUnchangedIn(await StoreSnapshot.TakeAsync(world.Server));
            return;
        }

        if (principal == Principal.App && operation is Operation.Me or Operation.MeLicenseDetails or Operation.MeAssignLicense)
        {
            // An app has no "me": Graph refuses /me on app-only tokens whatever the app may do.
            await GraphAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "BadRequest",
                "/me request is only valid with delegated authentication flow.");
            before.AssertUnchangedIn(await StoreSnapshot.TakeAsync(world.Server));
            return;
        }

        await GraphAssert.StatusAsync(response, SuccessStatus(operation));
        await AssertEffectAsync(world, response, role, operation, target, before);
    }

    private static bool IsAllowed(Operation operation, Role role) =>
        Expected[operation].Split(' ', StringSplitOptions.RemoveEmptyEntries)[(int)role] switch
        {
            "yes" => true,
            "no" => false,
            var other => throw new InvalidOperationException($"Bad cell '{other}' for {operation}."),
        };

    private static HttpStatusCode SuccessStatus(Operation operation) => operation switch
    {
        Operation.CreateUser => HttpStatusCode.Created,
        Operation.PatchDisplayName or Operation.PatchUsageLocation or Operation.PatchDisplayNameAndUsageLocation
            or Operation.DeleteUser => HttpStatusCode.NoContent,
        _ => HttpStatusCode.OK,
    };

    private static Task<HttpResponseMessage> SendAsync(
        SecurityWorld world, HttpClient client, Principal principal, Role role, Operation operation, User target)
    {
        var skuKey = $"{world.Home.Id}_{SecurityWorld.Sku}";
        var license = SecurityWorld.Json($$"""{"addLicenses":[{"skuId":"{{SecurityWorld.Sku}}","disabledPlans":[]}],"removeLicenses":[]}""");
        return operation switch
        {
            Operation.Token => principal == Principal.User
                ? world.Server.CreateClient().RequestPasswordTokenAsync(world.Home.Domain, world.Users[role].UserPrincipalName, TestDirectory.Password)
                : world.Server.CreateClient().RequestClientTokenAsync(world.Home.Domain, world.Apps[role].Registration.AppId, world.Apps[role].Secret),
            Operation.ListUsers => client.GetAsync("/v1.0/users", Cancel),
            Operation.GetUserById => client.GetAsync($"/v1.0/users/{target.Id}", Cancel),
            Operation.GetUserByUpn => client.GetAsync($"/v1.0/users/{target.UserPrincipalName}", Cancel),
            Operation.CreateUser => client.PostAsync("/v1.0/users", SecurityWorld.Json($$$"""
                {"accountEnabled":true,"displayName":"New","mailNickname":"new","userPrincipalName":"new-{{{target.Id:N}}}@contoso.com",
                 "passwordProfile":{"password":"Str0ng-passw0rd!"}}
                """), Cancel),
            Operation.PatchDisplayName => client.PatchAsync($"/v1.0/users/{target.Id}", SecurityWorld.Json("""{"displayName":"Renamed"}"""), Cancel),
            Operation.PatchUsageLocation => client.PatchAsync($"/v1.0/users/{target.Id}", SecurityWorld.Json("""{"usageLocation":"GB"}"""), Cancel),
            Operation.PatchDisplayNameAndUsageLocation => client.PatchAsync(
                $"/v1.0/users/{target.Id}", SecurityWorld.Json("""{"usageLocation":"GB","displayName":"Renamed"}"""), Cancel),
            Operation.DeleteUser => client.DeleteAsync($"/v1.0/users/{target.Id}", Cancel),
            Operation.AssignLicense => client.PostAsync($"/v1.0/users/{target.Id}/assignLicense", license, Cancel),
            Operation.ListLicenseDetails => client.GetAsync($"/v1.0/users/{target.Id}/licenseDetails", Cancel),
            Operation.ListSubscribedSkus => client.GetAsync("/v1.0/subscribedSkus", Cancel),
            Operation.GetSubscribedSku => client.GetAsync($"/v1.0/subscribedSkus/{skuKey}", Cancel),
            Operation.ListOrganization => client.GetAsync("/v1.0/organization", Cancel),
            Operation.GetOrganization => client.GetAsync($"/v1.0/organization/{world.Home.Id}", Cancel),
            Operation.Me => client.GetAsync("/v1.0/me", Cancel),
            Operation.MeLicenseDetails => client.GetAsync("/v1.0/me/licenseDetails", Cancel),
            Operation.MeAssignLicense => client.PostAsync("/v1.0/me/assignLicense", license, Cancel),
            _ => throw new ArgumentOutOfRangeException(nameof(operation)),
        };
    }

    /// <summary>An allowed request did what it says, and reads answered the object they were asked for.</summary>
    private static async Task AssertEffectAsync(
        SecurityWorld world, HttpResponseMessage response, Role role, Operation operation, User target, StoreSnapshot before)
    {
        await using var db = world.Server.NewDb();
        var stored = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.TenantId == world.Home.Id && u.Id == target.Id, Cancel);
        switch (operation)
        {
            case Operation.CreateUser:
                Assert.True(await db.Users.AnyAsync(u => u.TenantId == world.Home.Id && u.UserPrincipalNameKey == User.KeyOf($"new-{target.Id:N}@contoso.com"), Cancel));
                break;
            case Operation.PatchDisplayName:
                Assert.Equal(("Renamed", "US"), (stored!.DisplayName, stored.UsageLocation));
                break;
            case Operation.PatchUsageLocation:
                Assert.Equal(("target", "GB"), (stored!.DisplayName, stored.UsageLocation));
                break;
            case Operation.PatchDisplayNameAndUsageLocation:
                Assert.Equal(("Renamed", "GB"), (stored!.DisplayName, stored.UsageLocation));
                break;
            case Operation.DeleteUser:
                Assert.Null(stored);
                break;
            case Operation.AssignLicense:
                Assert.Equal([SecurityWorld.Sku], await db.LicenseAssignments.Where(a => a.TenantId == world.Home.Id && a.UserId == target.Id).Select(a => a.SkuId).ToListAsync(Cancel));
                break;
            case Operation.MeAssignLicense:
                var me = world.Users[role].Id;
                Assert.Equal([SecurityWorld.Sku], await db.LicenseAssignments.Where(a => a.TenantId == world.Home.Id && a.UserId == me).Select(a => a.SkuId).ToListAsync(Cancel));
                break;
            default:
                // Reads change nothing, and answer the object asked for.
                before.AssertUnchangedIn(await StoreSnapshot.TakeAsync(world.Server));
                await AssertReadAsync(world, response, role, operation, target);
                break;
        }
    }

    private static async Task AssertReadAsync(SecurityWorld world, HttpResponseMessage response, Role role, Operation operation, User target)
    {
        var body = await response.JsonAsync();
        switch (operation)
        {
            case Operation.GetUserById or Operation.GetUserByUpn:
                Assert.Equal(target.Id, body.GetProperty("id").GetGuid());
                break;
            case Operation.Me:
                Assert.Equal(world.Users[role].Id, body.GetProperty("id").GetGuid());
                break;
            case Operation.GetSubscribedSku:
                Assert.Equal(SecurityWorld.Sku, body.GetProperty("skuId").GetGuid());
                break;
            case Operation.GetOrganization:
                Assert.Equal(world.Home.Id, body.GetProperty("id").GetGuid());
                break;
            case Operation.ListOrganization:
                Assert.Equal([world.Home.Id], body.GetProperty("value").EnumerateArray().Select(o => o.GetProperty("id").GetGuid()));
                break;
            case Operation.ListSubscribedSkus:
                Assert.Equal([SecurityWorld.Sku], body.GetProperty("value").EnumerateArray().Select(s => s.GetProperty("skuId").GetGuid()));
                break;
            case Operation.ListUsers or Operation.ListLicenseDetails or Operation.MeLicenseDetails:
                Assert.Equal(System.Text.Json.JsonValueKind.Array, body.GetProperty("value").ValueKind);
                break;
            case Operation.Token:
                Assert.False(string.IsNullOrEmpty(body.GetProperty("access_token").GetString()));
                break;
        }
    }
}
