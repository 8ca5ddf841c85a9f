using System.Net;
using System.Text;
using Microsoft.Graph.Models;
using Microsoft.Graph.Users.Item.AssignLicense;
using Microsoft.IdentityModel.Tokens;
using Skuld.Licensing.Engine;
using Skuld.Store.Licensing;
using Skuld.Testing;
using static Skuld.Server.Tests.Graph.GraphTestTenant;

namespace Skuld.Server.Tests.Graph;

/// <summary>
/// <c>POST /users/{id}/assignLicense</c> and <c>licenseDetails</c> through the Graph SDK: every rule's
/// refusal with Graph's exact status, code and message (reference §1.4, §1.9).
/// </summary>
public sealed class AssignLicenseTests
{
    private static readonly Guid E3 = Sku("ENTERPRISEPACK");
    private static readonly Guid E1 = Sku("STANDARDPACK");
    private static readonly Guid E5 = Sku("ENTERPRISEPREMIUM");
    private static readonly Guid Sway = Plan("ENTERPRISEPACK", "SWAY");

    private static AssignLicensePostRequestBody Body(IEnumerable<AssignedLicense> add, params Guid[] remove) =>
        new() { AddLicenses = [.. add], RemoveLicenses = [.. remove.Select(r => (Guid?)r)] };

    private static AssignedLicense License(Guid skuId, params Guid[] disabled) =>
        new() { SkuId = skuId, DisabledPlans = [.. disabled.Select(d => (Guid?)d)] };

    private static Task<User?> AssignAsync(GraphTestTenant t, Guid userId, AssignLicensePostRequestBody body) =>
        t.Graph.Users[userId.ToString()].AssignLicense.PostAsync(body, cancellationToken: Cancel);

    private static Task RefusedAsync(GraphTestTenant t, Guid userId, AssignLicensePostRequestBody body, string message) =>
        AssertErrorAsync(() => AssignAsync(t, userId, body), 400, "Request_BadRequest", message);

    /// <summary>The user's assignedLicenses as <see cref="Held"/> texts, by SKU id.</summary>
    private static async Task<string[]> AssignedLicensesAsync(GraphTestTenant t, Guid userId)
    {
        var user = await t.Graph.Users[userId.ToString()].GetAsync(r => r.QueryParameters.Select = ["assignedLicenses"], Cancel);
        return [.. user!.AssignedLicenses!.OrderBy(l => l.SkuId).Select(l => Held(l.SkuId!.Value, [.. l.DisabledPlans!.Select(p => p!.Value)]))];
    }

    /// <summary>A license as comparable text: "sku: disabled plans in id order".</summary>
    private static string Held(Guid skuId, params Guid[] disabled) => $"{skuId}: {string.Join(",", disabled.Order())}";

    [Theory, AllStores]
    public async Task Assigning_returns_the_user_with_assigned_licenses_and_takes_one_seat(StoreKind kind)
    {
        await using var t = await StartAsync(kind, ("ENTERPRISEPACK", 5));
        var user = await t.AddUserAsync("nestor");

        var updated = await AssignAsync(t, user.Id, Body([License(E3, Sway)]));

        Assert.Equal((user.Id.ToString("D"), "nestor@contoso.com"), (updated!.Id, updated.UserPrincipalName));
        var license = Assert.Single(updated.AssignedLicenses!);
        Assert.Equal(E3, license.SkuId);
        Assert.Equal([Sway], license.DisabledPlans!.Select(p => p!.Value));
        Assert.Equal(Product("ENTERPRISEPACK").Plans.Length - 1, updated.AssignedPlans!.Count);
        Assert.Equal(1, await t.ConsumedUnitsAsync(E3));
    }

    [Theory, AllStores]
    public async Task Assigning_by_user_principal_name_works_like_by_id(StoreKind kind)
    {
        await using var t = await StartAsync(kind, ("ENTERPRISEPACK", 5));
        var user = await t.AddUserAsync("patti");

        var updated = await t.Graph.Users["Patti@contoso.com"].AssignLicense.PostAsync(Body([License(E3)]), cancellationToken: Cancel);

        Assert.Equal(user.Id.ToString("D"), updated!.Id);
        Assert.Equal([Held(E3)], await AssignedLicensesAsync(t, user.Id));
    }

    [Theory, AllStores]
    public async Task License_details_list_the_license_with_disabled_plans_marked_disabled(StoreKind kind)
    {
        await using var t = await StartAsync(kind, ("ENTERPRISEPACK", 5));
        var user = await t.AddUserAsync("miriam");
        var yammer = Plan("ENTERPRISEPACK", "YAMMER_ENTERPRISE");
        await AssignAsync(t, user.Id, Body([License(E3, Sway, yammer)]));

        var details = await t.Graph.Users[user.Id.ToString()].LicenseDetails.GetAsync(cancellationToken: Cancel);

        var detail = Assert.Single(details!.Value!);
        // base64url (no padding) of the tenant id's bytes then the SKU id's (reference §1.3).
        var expectedId = Base64UrlEncoder.Encode([.. t.Tenant.Id.ToByteArray(), .. E3.ToByteArray()]);
        Assert.Equal((expectedId, E3, "ENTERPRISEPACK"), (detail.Id, detail.SkuId!.Value, detail.SkuPartNumber));
        var product = Product("ENTERPRISEPACK");
        Assert.Equal(product.Plans.Select(p => p.Id), detail.ServicePlans!.Select(p => p.ServicePlanId!.Value));
        Assert.Equal(
            product.Plans.Select(p => p.Id == Sway || p.Id == yammer ? "Disabled" : "Success"),
            detail.ServicePlans!.Select(p => p.ProvisioningStatus));
        Assert.Equal(2, detail.ServicePlans!.Count(p => p.ProvisioningStatus == "Disabled"));
    }

    [Theory, AllStores]
    public async Task Unknown_sku_is_refused(StoreKind kind)
    {
        await using var t = await StartAsync(kind, ("ENTERPRISEPACK", 5));
        var user = await t.AddUserAsync("unknown");
        var sku = Guid.NewGuid();

        await RefusedAsync(t, user.Id, Body([License(sku)]), $"License {sku} does not correspond to a valid company License.");
        // A catalogue product the tenant has no subscription of is just as unknown.
        await RefusedAsync(t, user.Id, Body([License(E1)]), $"License {E1} does not correspond to a valid company License.");
    }

    [Theory, AllStores]
    public async Task User_without_usage_location_is_refused(StoreKind kind)
    {
        await using var t = await StartAsync(kind, ("ENTERPRISEPACK", 5));
        var user = await t.AddUserAsync("nolocation", usageLocation: null);

        await RefusedAsync(t, user.Id, Body([License(E3)]), "License assignment cannot be done for user with invalid usage location.");
        Assert.Equal(0, await t.ConsumedUnitsAsync(E3));
    }

    [Theory, AllStores]
    public async Task Second_user_on_a_one_seat_subscription_finds_no_available_licenses(StoreKind kind)
    {
        await using var t = await StartAsync(kind, ("ENTERPRISEPACK", 1));
        var (first, second) = (await t.AddUserAsync("first"), await t.AddUserAsync("second"));
        await AssignAsync(t, first.Id, Body([License(E3)]));

        await RefusedAsync(t, second.Id, Body([License(E3)]), $"Subscription with SKU {E3} does not have any available licenses.");

        Assert.Equal(1, await t.ConsumedUnitsAsync(E3));
        Assert.Empty(await AssignedLicensesAsync(t, second.Id));
        // The holder may still change its own license: it takes no new seat.
        await AssignAsync(t, first.Id, Body([License(E3, Sway)]));
        Assert.Equal(1, await t.ConsumedUnitsAsync(E3));
    }

    [Theory, AllStores]
    public async Task E3_on_top_of_E1_is_refused_for_mutually_exclusive_sharepoint_plans(StoreKind kind)
    {
        await using var t = await StartAsync(kind, ("ENTERPRISEPACK", 5), ("STANDARDPACK", 5));
        var user = await t.AddUserAsync("exclusive");
        await AssignAsync(t, user.Id, Body([License(E1)]));
        var sharePointPlan2 = Plan("ENTERPRISEPACK", "SHAREPOINTENTERPRISE");
        var sharePointPlan1 = Plan("STANDARDPACK", "SHAREPOINTSTANDARD");

        await RefusedAsync(t, user.Id, Body([License(E3)]),
            $"License assignment failed because service plans {sharePointPlan2},{sharePointPlan1} are mutually exclusive.");

        Assert.Equal([Held(E1)], await AssignedLicensesAsync(t, user.Id));
        Assert.Equal((0, 1), (await t.ConsumedUnitsAsync(E3), await t.ConsumedUnitsAsync(E1)));
        // With E1's SharePoint disabled there is no conflict.
        await AssignAsync(t, user.Id, Body([License(E1, sharePointPlan1), License(E3)]));
        Assert.Equal((1, 1), (await t.ConsumedUnitsAsync(E3), await t.ConsumedUnitsAsync(E1)));
    }

    [Theory, AllStores]
    public async Task Audio_conferencing_without_skype_is_refused_as_a_dependency(StoreKind kind)
    {
        await using var t = await StartAsync(kind, ("ENTERPRISEPREMIUM", 5));
        var user = await t.AddUserAsync("dependent");
        var skype = Plan("ENTERPRISEPREMIUM", "MCOSTANDARD");
        var audioConferencing = Plan("ENTERPRISEPREMIUM", "MCOMEETADV");
        var message = $"License assignment failed because service plan {audioConferencing} depends on the service plan(s) {skype}";

        // A new license that enables the dependent plan without its prerequisite.
        await RefusedAsync(t, user.Id, Body([License(E5, skype)]), message);
        Assert.Equal(0, await t.ConsumedUnitsAsync(E5));

        // Disabling the prerequisite of a held license.
        await AssignAsync(t, user.Id, Body([License(E5)]));
        await RefusedAsync(t, user.Id, Body([License(E5, skype)]), message);
        Assert.Equal([Held(E5)], await AssignedLicensesAsync(t, user.Id));

        // Disabling both is fine.
        await AssignAsync(t, user.Id, Body([License(E5, skype, audioConferencing)]));
        Assert.Equal([Held(E5, skype, audioConferencing)], await AssignedLicensesAsync(t, user.Id));
    }

    [Theory, AllStores]
    public async Task Disabled_plan_that_is_not_in_the_sku_is_refused(StoreKind kind)
    {
        await using var t = await StartAsync(kind, ("ENTERPRISEPACK", 5));
        var user = await t.AddUserAsync("foreignplan");
        var exchangePlan1 = Plan("STANDARDPACK", "EXCHANGE_S_STANDARD");

        await RefusedAsync(t, user.Id, Body([License(E3, Sway, exchangePlan1)]), $"Service plan {exchangePlan1} does not belong to license {E3}.");
        Assert.Equal(0, await t.ConsumedUnitsAsync(E3));
    }

    [Theory, AllStores]
    public async Task Re_adding_a_held_sku_replaces_its_disabled_plans_without_taking_a_seat(StoreKind kind)
    {
        await using var t = await StartAsync(kind, ("ENTERPRISEPACK", 5));
        var user = await t.AddUserAsync("replace");
        var (teams, yammer) = (Plan("ENTERPRISEPACK", "TEAMS1"), Plan("ENTERPRISEPACK", "YAMMER_ENTERPRISE"));
        await AssignAsync(t, user.Id, Body([License(E3, Sway)]));

        var updated = await AssignAsync(t, user.Id, Body([License(E3, yammer, teams)]));

        // Graph keeps a license's disabled plans in the product's order.
        var inProductOrder = Product("ENTERPRISEPACK").Plans.Select(p => p.Id).Where(id => id == teams || id == yammer);
        Assert.Equal(inProductOrder, Assert.Single(updated!.AssignedLicenses!).DisabledPlans!.Select(p => p!.Value));
        Assert.Equal([Held(E3, teams, yammer)], await AssignedLicensesAsync(t, user.Id));
        Assert.Equal(1, await t.ConsumedUnitsAsync(E3));

        // And with none, every plan is enabled again.
        await AssignAsync(t, user.Id, Body([License(E3)]));
        Assert.Equal([Held(E3)], await AssignedLicensesAsync(t, user.Id));
        Assert.Equal(1, await t.ConsumedUnitsAsync(E3));
    }

    [Theory, AllStores]
    public async Task Add_and_remove_in_one_call_swaps_licenses_with_exact_seat_counts(StoreKind kind)
    {
        await using var t = await StartAsync(kind, ("ENTERPRISEPACK", 2), ("STANDARDPACK", 2));
        var (swapper, other) = (await t.AddUserAsync("swapper"), await t.AddUserAsync("other"));
        await AssignAsync(t, swapper.Id, Body([License(E1)]));
        await AssignAsync(t, other.Id, Body([License(E1)]));

        // E3 and E1 are exclusive on SharePoint: only a swap in one call can move the user over.
        var updated = await AssignAsync(t, swapper.Id, Body([License(E3)], E1));

        Assert.Equal(E3, Assert.Single(updated!.AssignedLicenses!).SkuId);
        Assert.Equal((1, 1), (await t.ConsumedUnitsAsync(E3), await t.ConsumedUnitsAsync(E1)));
        await AssignAsync(t, swapper.Id, Body([License(E1)], E3));
        Assert.Equal((0, 2), (await t.ConsumedUnitsAsync(E3), await t.ConsumedUnitsAsync(E1)));
        Assert.Equal([Held(E1)], await AssignedLicensesAsync(t, swapper.Id));
    }

    [Theory, AllStores]
    public async Task Removing_a_license_frees_its_seat_and_removing_one_not_held_is_a_no_op(StoreKind kind)
    {
        await using var t = await StartAsync(kind, ("ENTERPRISEPACK", 2), ("STANDARDPACK", 2));
        var user = await t.AddUserAsync("remover");
        await AssignAsync(t, user.Id, Body([License(E3)]));

        var updated = await AssignAsync(t, user.Id, Body([], E3, E1));

        Assert.Empty(updated!.AssignedLicenses!);
        Assert.Equal((0, 0), (await t.ConsumedUnitsAsync(E3), await t.ConsumedUnitsAsync(E1)));
    }

    [Theory, AllStores]
    public async Task Missing_remove_licenses_is_refused_with_graphs_missing_parameters_message(StoreKind kind)
    {
        await using var t = await StartAsync(kind, ("ENTERPRISEPACK", 5));
        var user = await t.AddUserAsync("missing");
        var http = t.Http();

        async Task PostAsync(string json, string missing) => await AssertErrorAsync(
            await http.PostAsync($"/v1.0/users/{user.Id}/assignLicense", new StringContent(json, Encoding.UTF8, "application/json"), Cancel),
            HttpStatusCode.BadRequest, "Request_BadRequest",
            $"One or more parameters of the operation 'assignLicense' are missing from the request payload. The missing parameters are: {missing}.");

        await PostAsync($$"""{"addLicenses":[{"skuId":"{{E3}}","disabledPlans":[]}]}""", "removeLicenses");
        await PostAsync("""{"removeLicenses":[]}""", "addLicenses");
        await PostAsync("{}", "addLicenses,removeLicenses");
        // The SDK leaves out a member that was not set, as Set-MgUserLicense without -RemoveLicenses does.
        await RefusedAsync(t, user.Id, new AssignLicensePostRequestBody { AddLicenses = [License(E3)] },
            "One or more parameters of the operation 'assignLicense' are missing from the request payload. The missing parameters are: removeLicenses.");
        Assert.Equal(0, await t.ConsumedUnitsAsync(E3));
    }

    [Theory, AllStores]
    public async Task Both_lists_empty_is_refused(StoreKind kind)
    {
        await using var t = await StartAsync(kind, ("ENTERPRISEPACK", 5));
        var user = await t.AddUserAsync("empty");

        await RefusedAsync(t, user.Id, Body([]), "No license changes provided. At least one license to add or remove must be specified.");
    }

    [Theory, AllStores]
    public async Task Unknown_user_is_404(StoreKind kind)
    {
        await using var t = await StartAsync(kind, ("ENTERPRISEPACK", 5));
        var id = Guid.NewGuid();

        await AssertErrorAsync(() => AssignAsync(t, id, Body([License(E3)])),
            404, "Request_ResourceNotFound", $"Resource '{id}' does not exist or one of its queried reference-property objects are not present.");
    }

    [Theory, AllStores]
    public async Task License_inherited_from_a_group_cannot_be_removed_directly_and_a_direct_copy_shares_its_seat(StoreKind kind)
    {
        await using var t = await StartAsync(kind, ("ENTERPRISEPACK", 5));
        var user = await t.AddUserAsync("inheritor");
        var group = Guid.NewGuid();
        await using (var db = t.NewDb())
        {
            db.LicenseAssignments.Add(new LicenseAssignment
            {
                TenantId = t.Tenant.Id,
                UserId = user.Id,
                SkuId = E3,
                SourceId = group,
                State = LicenseState.Active,
                Error = LicenseError.None,
                AssignedDateTime = t.Server.Time.GetUtcNow(),
                LastUpdatedDateTime = t.Server.Time.GetUtcNow(),
            });
            await db.SaveChangesAsync(Cancel);
            // Group processing would have taken the seat; the row was written behind its back.
            await LicenseSeats.RecountConsumedAsync(db, t.Tenant.Id, Cancel);
        }

        Assert.Equal(1, await t.ConsumedUnitsAsync(E3));

        await RefusedAsync(t, user.Id, Body([], E3),
            "User license is inherited from a group membership and it cannot be removed directly from the user.");

        await AssignAsync(t, user.Id, Body([License(E3)]));

        var read = await t.Graph.Users[user.Id.ToString()].GetAsync(r => r.QueryParameters.Select = ["assignedLicenses", "licenseAssignmentStates"], Cancel);
        Assert.Equal(E3, Assert.Single(read!.AssignedLicenses!).SkuId);
        var states = read.LicenseAssignmentStates!.Select(s => (s.SkuId, s.AssignedByGroup, s.State, s.Error)).OrderBy(s => s.AssignedByGroup).ToList();
        Assert.Equal([(E3, (string?)null, "Active", "None"), (E3, group.ToString("D"), "Active", "None")], states);
        Assert.Equal(1, await t.ConsumedUnitsAsync(E3));

        // Removing now removes the direct copy only; the group's stays and still holds the seat.
        await AssignAsync(t, user.Id, Body([], E3));
        read = await t.Graph.Users[user.Id.ToString()].GetAsync(r => r.QueryParameters.Select = ["assignedLicenses", "licenseAssignmentStates"], Cancel);
        Assert.Equal(E3, Assert.Single(read!.AssignedLicenses!).SkuId);
        Assert.Equal(group.ToString("D"), Assert.Single(read.LicenseAssignmentStates!).AssignedByGroup);
        Assert.Equal(1, await t.ConsumedUnitsAsync(E3));
    }
}
