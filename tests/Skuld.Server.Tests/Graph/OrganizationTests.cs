using Microsoft.Graph.Models;
using Microsoft.Graph.Me.AssignLicense;
using Skuld.Testing;
using static Skuld.Server.Tests.Graph.GraphTestTenant;

namespace Skuld.Server.Tests.Graph;

/// <summary><c>/v1.0/organization</c> and <c>/v1.0/me</c> through the Graph SDK.</summary>
public sealed class OrganizationTests
{
    [Theory, AllStores]
    public async Task Organization_is_the_callers_tenant(StoreKind kind)
    {
        await using var t = await StartAsync(kind);

        var list = await t.Graph.Organization.GetAsync(cancellationToken: Cancel);
        var one = await t.Graph.Organization[t.Tenant.Id.ToString()].GetAsync(cancellationToken: Cancel);

        var listed = Assert.Single(list!.Value!);
        foreach (var organization in new[] { listed, one! })
        {
            Assert.Equal((t.Tenant.Id.ToString("D"), "contoso.com", "US"), (organization.Id, organization.DisplayName, organization.CountryLetterCode));
            Assert.Equal(["contoso.com", "contoso.onmicrosoft.com"], organization.VerifiedDomains!.Select(d => d.Name));
            Assert.Equal([true, false], organization.VerifiedDomains!.Select(d => d.IsDefault));
            Assert.Equal([false, true], organization.VerifiedDomains!.Select(d => d.IsInitial));
        }
    }

    [Theory, AllStores]
    public async Task Another_tenants_organization_id_is_404(StoreKind kind)
    {
        await using var t = await StartAsync(kind);
        var id = Guid.NewGuid().ToString();

        await AssertErrorAsync(
            () => t.Graph.Organization[id].GetAsync(cancellationToken: Cancel),
            404, "Request_ResourceNotFound", $"Resource '{id}' does not exist or one of its queried reference-property objects are not present.");
    }

    [Theory, AllStores]
    public async Task Me_with_a_user_token_is_the_signed_in_user(StoreKind kind)
    {
        await using var t = await StartAsync(kind);
        var graph = t.ClientFor(await t.AdminUserTokenAsync());

        var me = await graph.Me.GetAsync(cancellationToken: Cancel);

        Assert.Equal((t.Admin.Id.ToString("D"), AdminUpn, "admin"), (me!.Id, me.UserPrincipalName, me.DisplayName));
    }

    [Theory, AllStores]
    public async Task Me_with_an_app_token_is_400_delegated_only(StoreKind kind)
    {
        await using var t = await StartAsync(kind);

        await AssertErrorAsync(
            () => t.Graph.Me.GetAsync(cancellationToken: Cancel),
            400, "BadRequest", "/me request is only valid with delegated authentication flow.");
    }

    [Theory, AllStores]
    public async Task Me_license_details_and_assign_license_act_on_the_signed_in_user(StoreKind kind)
    {
        await using var t = await StartAsync(kind, ("ENTERPRISEPACK", 2));
        await using (var db = t.NewDb())
        {
            var admin = await db.Users.FindAsync([t.Tenant.Id, t.Admin.Id], Cancel);
            admin!.UsageLocation = "NO";
            await db.SaveChangesAsync(Cancel);
        }

        var graph = t.ClientFor(await t.AdminUserTokenAsync());
        var e3 = Sku("ENTERPRISEPACK");

        var me = await graph.Me.AssignLicense.PostAsync(
            new AssignLicensePostRequestBody { AddLicenses = [new AssignedLicense { SkuId = e3 }], RemoveLicenses = [] }, cancellationToken: Cancel);
        var details = await graph.Me.LicenseDetails.GetAsync(cancellationToken: Cancel);

        Assert.Equal(t.Admin.Id.ToString("D"), me!.Id);
        Assert.Equal(e3, Assert.Single(me.AssignedLicenses!).SkuId);
        Assert.Equal(("ENTERPRISEPACK", e3), (Assert.Single(details!.Value!).SkuPartNumber, details.Value![0].SkuId));
        Assert.Equal(1, await t.ConsumedUnitsAsync(e3));
    }

    [Theory, AllStores]
    public async Task Me_license_details_and_assign_license_with_an_app_token_are_400_delegated_only(StoreKind kind)
    {
        await using var t = await StartAsync(kind, ("ENTERPRISEPACK", 2));
        const string Message = "/me request is only valid with delegated authentication flow.";

        await AssertErrorAsync(() => t.Graph.Me.LicenseDetails.GetAsync(cancellationToken: Cancel), 400, "BadRequest", Message);
        await AssertErrorAsync(
            () => t.Graph.Me.AssignLicense.PostAsync(
                new AssignLicensePostRequestBody { AddLicenses = [new AssignedLicense { SkuId = Sku("ENTERPRISEPACK") }], RemoveLicenses = [] },
                cancellationToken: Cancel),
            400, "BadRequest", Message);
        Assert.Equal(0, await t.ConsumedUnitsAsync(Sku("ENTERPRISEPACK")));
    }
}
