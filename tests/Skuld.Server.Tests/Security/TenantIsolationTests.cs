using System.Net;
using Skuld.Server.Tests.Infrastructure;
using Skuld.Testing;

namespace Skuld.Server.Tests.Security;

public enum CrossTenantRequest
{
    GetUserById,
    GetUserByUpn,
    PatchUserById,
    PatchUserByUpn,
    PatchUsageLocation,
    DeleteUserById,
    DeleteUserByUpn,
    AssignLicenseById,
    AssignLicenseByUpn,
    RemoveLicenseById,
    LicenseDetailsById,
    LicenseDetailsByUpn,
    GetSubscribedSku,
    GetOrganization,
}

/// <summary>
/// Another tenant's objects do not exist for a caller (DESIGN.md "Roles"): even a Global Administrator of
/// contoso.com gets 404 for fabrikam.com's user, subscribed SKU and organization, and nothing in
/// fabrikam.com (nor anywhere else) changes.
/// </summary>
public sealed class TenantIsolationTests(SecurityWorlds worlds) : IClassFixture<SecurityWorlds>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public static IEnumerable<TheoryDataRow<StoreKind, Principal, CrossTenantRequest>> Rows() =>
        from kind in Enum.GetValues<StoreKind>()
        from principal in Enum.GetValues<Principal>()
        from request in Enum.GetValues<CrossTenantRequest>()
        select new TheoryDataRow<StoreKind, Principal, CrossTenantRequest>(kind, principal, request);

    [Theory, MemberData(nameof(Rows))]
    public async Task Global_administrator_gets_not_found_for_another_tenants_object_and_changes_nothing(
        StoreKind kind, Principal principal, CrossTenantRequest request)
    {
        var world = await worlds.GetAsync(kind);
        var client = await world.ClientAsync(Role.GlobalAdministrator, principal);
        var victim = world.OtherUser;
        var (id, upn) = (victim.Id.ToString(), victim.UserPrincipalName);
        var add = SecurityWorld.Json($$"""{"addLicenses":[{"skuId":"{{SecurityWorld.Sku}}"}],"removeLicenses":[]}""");
        var remove = SecurityWorld.Json($$"""{"addLicenses":[],"removeLicenses":["{{SecurityWorld.Sku}}"]}""");
        (string Asked, Func<Task<HttpResponseMessage>> Send) call = request switch
        {
            CrossTenantRequest.GetUserById => (id, () => client.GetAsync($"/v1.0/users/{id}", Cancel)),
            CrossTenantRequest.GetUserByUpn => (upn, () => client.GetAsync($"/v1.0/users/{upn}", Cancel)),
            CrossTenantRequest.PatchUserById => (id, () => client.PatchAsync($"/v1.0/users/{id}", SecurityWorld.Json("""{"displayName":"Hijacked"}"""), Cancel)),
            CrossTenantRequest.PatchUserByUpn => (upn, () => client.PatchAsync($"/v1.0/users/{upn}", SecurityWorld.Json("""{"displayName":"Hijacked"}"""), Cancel)),
            CrossTenantRequest.PatchUsageLocation => (id, () => client.PatchAsync($"/v1.0/users/{id}", SecurityWorld.Json("""{"usageLocation":"GB"}"""), Cancel)),
            CrossTenantRequest.DeleteUserById => (id, () => client.DeleteAsync($"/v1.0/users/{id}", Cancel)),
            CrossTenantRequest.DeleteUserByUpn => (upn, () => client.DeleteAsync($"/v1.0/users/{upn}", Cancel)),
            CrossTenantRequest.AssignLicenseById => (id, () => client.PostAsync($"/v1.0/users/{id}/assignLicense", add, Cancel)),
            CrossTenantRequest.AssignLicenseByUpn => (upn, () => client.PostAsync($"/v1.0/users/{upn}/assignLicense", add, Cancel)),
            CrossTenantRequest.RemoveLicenseById => (id, () => client.PostAsync($"/v1.0/users/{id}/assignLicense", remove, Cancel)),
            CrossTenantRequest.LicenseDetailsById => (id, () => client.GetAsync($"/v1.0/users/{id}/licenseDetails", Cancel)),
            CrossTenantRequest.LicenseDetailsByUpn => (upn, () => client.GetAsync($"/v1.0/users/{upn}/licenseDetails", Cancel)),
            CrossTenantRequest.GetSubscribedSku => ($"{world.Other.Id}_{SecurityWorld.Sku}",
                () => client.GetAsync($"/v1.0/subscribedSkus/{world.Other.Id}_{SecurityWorld.Sku}", Cancel)),
            CrossTenantRequest.GetOrganization => (world.Other.Id.ToString(), () => client.GetAsync($"/v1.0/organization/{world.Other.Id}", Cancel)),
            _ => throw new ArgumentOutOfRangeException(nameof(request)),
        };
        var before = await StoreSnapshot.TakeAsync(world.Server);

        var response = await call.Send();

        await GraphAssert.ErrorAsync(response, HttpStatusCode.NotFound, "Request_ResourceNotFound", GraphAssert.NotFound(call.Asked));
        before.AssertUnchangedIn(await StoreSnapshot.TakeAsync(world.Server));
    }

    [Theory, MemberData(nameof(Callers))]
    public async Task Filtering_users_by_another_tenants_id_or_upn_returns_an_empty_list(StoreKind kind, Principal principal)
    {
        var world = await worlds.GetAsync(kind);
        var client = await world.ClientAsync(Role.GlobalAdministrator, principal);

        foreach (var filter in new[]
        {
            $"id eq '{world.OtherUser.Id}'",
            $"userPrincipalName eq '{world.OtherUser.UserPrincipalName}'",
            $"displayName eq '{world.OtherUser.DisplayName}'",
            $"assignedLicenses/any(x:x/skuId eq {SecurityWorld.Sku})",
        })
        {
            var response = await client.GetAsync($"/v1.0/users?$filter={Uri.EscapeDataString(filter)}", Cancel);
            await GraphAssert.StatusAsync(response, HttpStatusCode.OK);
            var ids = (await response.JsonAsync()).GetProperty("value").EnumerateArray().Select(u => u.GetProperty("id").GetGuid());
            Assert.DoesNotContain(world.OtherUser.Id, ids);
            if (!filter.StartsWith("assignedLicenses", StringComparison.Ordinal))
            {
                Assert.Empty(ids);
            }
        }
    }

    [Theory, MemberData(nameof(Callers))]
    public async Task Collections_hold_only_the_callers_tenant(StoreKind kind, Principal principal)
    {
        var world = await worlds.GetAsync(kind);
        var client = await world.ClientAsync(Role.GlobalAdministrator, principal);

        var users = await (await client.GetAsync("/v1.0/users?$top=999&$select=id,userPrincipalName", Cancel)).JsonAsync();
        Assert.All(users.GetProperty("value").EnumerateArray(),
            u => Assert.EndsWith("@contoso.com", u.GetProperty("userPrincipalName").GetString()!, StringComparison.Ordinal));
        var skus = await (await client.GetAsync("/v1.0/subscribedSkus", Cancel)).JsonAsync();
        var sku = Assert.Single(skus.GetProperty("value").EnumerateArray());
        Assert.Equal(world.Home.Id, sku.GetProperty("accountId").GetGuid());
        Assert.Equal($"{world.Home.Id}_{SecurityWorld.Sku}", sku.GetProperty("id").GetString());
        var organizations = await (await client.GetAsync("/v1.0/organization", Cancel)).JsonAsync();
        Assert.Equal([world.Home.Id], organizations.GetProperty("value").EnumerateArray().Select(o => o.GetProperty("id").GetGuid()));
    }

    public static IEnumerable<TheoryDataRow<StoreKind, Principal>> Callers() =>
        from kind in Enum.GetValues<StoreKind>()
        from principal in Enum.GetValues<Principal>()
        select new TheoryDataRow<StoreKind, Principal>(kind, principal);
}
