using System.Net;
using Microsoft.EntityFrameworkCore;
using Skuld.Server.Tests.Infrastructure;
using Skuld.Testing;
using static Skuld.Server.Tests.Graph.GraphTestTenant;
using static Skuld.Server.Tests.Recipients.RecipientKit;

namespace Skuld.Server.Tests.Recipients;

/// <summary>
/// A proxy address already held by another recipient (reference §5): direct assignment fails with Graph's
/// message, group assignment gives UniquenessViolation, and the native API and the audit event name the holder.
/// </summary>
public sealed class ProxyClashTests
{
    private const string ProxyInUse = "Another object with the same value for property proxyAddresses already exists.";

    [Theory, AllStores]
    public async Task Direct_assignment_fails_with_graph_message_when_a_contact_created_first_holds_the_upn_in_another_case(StoreKind kind)
    {
        await using var t = await StartAsync(kind, ("ENTERPRISEPACK", 5));
        var user = await t.AddUserAsync("nestor");
        var contactId = await t.ContactAsync("Nestor (vendor)", "NESTOR@Contoso.COM");

        await AssertErrorAsync(() => t.AssignAsync(user.Id, [E3]), 400, "Request_BadRequest", ProxyInUse);

        // Nothing changed: no license, no seat, no address.
        Assert.Equal(0, await t.ConsumedUnitsAsync(E3));
        Assert.Equal(Addresses(null), await t.AddressesAsync(user.Id));
        // The native API names the holder.
        var errors = await t.LicenseErrorsAsync(user.Id);
        var conflict = errors.GetProperty("proxyConflict");
        Assert.Equal((contactId.ToString("D"), "Contact", "Nestor (vendor)", "nestor@contoso.com"),
            (conflict.GetProperty("objectId").GetString(), conflict.GetProperty("objectType").GetString(),
             conflict.GetProperty("displayName").GetString(), conflict.GetProperty("address").GetString()));
        // So does the failure audit event.
        var audits = await t.Graph.AuditLogs.DirectoryAudits.GetAsync(
            r => r.QueryParameters.Filter = "activityDisplayName eq 'Change user license'", Cancel);
        var failure = Assert.Single(audits!.Value!, a => a.Result == Microsoft.Graph.Models.OperationResult.Failure);
        Assert.Equal("ProxyAddressInUse", failure.ResultReason);
        var details = failure.AdditionalDetails!.ToDictionary(d => d.Key!, d => d.Value);
        Assert.Equal((contactId.ToString("D"), "Contact", "Nestor (vendor)"),
            (details["ConflictingObjectId"], details["ConflictingObjectType"], details["ConflictingObjectDisplayName"]));
    }

    [Theory, AllStores]
    public async Task A_product_without_a_mail_plan_is_assigned_despite_a_clashing_upn(StoreKind kind)
    {
        await using var t = await StartAsync(kind, ("EMS", 5));
        var user = await t.AddUserAsync("nestor");
        await t.ContactAsync("Nestor (vendor)", "nestor@contoso.com");

        await t.AssignAsync(user.Id, [Ems]);

        Assert.Equal(1, await t.ConsumedUnitsAsync(Ems));
    }

    [Theory, AllStores]
    public async Task Group_assignment_puts_the_clashing_member_in_uniqueness_violation_and_names_the_holder(StoreKind kind)
    {
        await using var t = await StartAsync(kind, ("ENTERPRISEPACK", 5));
        var ann = await t.AddUserAsync("ann");
        var bob = await t.AddUserAsync("bob");
        // Another user holds bob's UPN as a secondary address (set by an admin).
        var carol = await t.AddUserAsync("carol");
        Assert.Equal(HttpStatusCode.OK, (await t.Http().AddAddressAsync("users", carol.Id, "smtp:Bob@contoso.com")).StatusCode);
        var group = await t.Graph.Groups.PostAsync(new Microsoft.Graph.Models.Group
        {
            DisplayName = "Mail users", MailNickname = "mailusers", MailEnabled = false, SecurityEnabled = true, GroupTypes = [],
        }, cancellationToken: Cancel);
        foreach (var user in new[] { ann, bob })
        {
            await t.Graph.Groups[group!.Id].Members.Ref.PostAsync(
                new Microsoft.Graph.Models.ReferenceCreate { OdataId = $"https://graph.microsoft.com/v1.0/directoryObjects/{user.Id}" }, cancellationToken: Cancel);
        }

        await t.Graph.Groups[group!.Id].AssignLicense.PostAsync(new Microsoft.Graph.Groups.Item.AssignLicense.AssignLicensePostRequestBody
        {
            AddLicenses = [new Microsoft.Graph.Models.AssignedLicense { SkuId = E3, DisabledPlans = [] }],
            RemoveLicenses = [],
        }, cancellationToken: Cancel);
        await Waiting.UntilAsync(async () =>
            (await t.Graph.Groups[group.Id].GetAsync(r => r.QueryParameters.Select = ["licenseProcessingState"], Cancel))!.LicenseProcessingState?.State == "ProcessingComplete");

        var bobStates = (await t.Graph.Users[bob.Id.ToString()].GetAsync(r => r.QueryParameters.Select = ["licenseAssignmentStates"], Cancel))!.LicenseAssignmentStates!;
        var state = Assert.Single(bobStates);
        Assert.Equal(("Error", "UniquenessViolation", group.Id), (state.State, state.Error, state.AssignedByGroup));
        Assert.Equal("Active", Assert.Single((await t.Graph.Users[ann.Id.ToString()].GetAsync(
            r => r.QueryParameters.Select = ["licenseAssignmentStates"], Cancel))!.LicenseAssignmentStates!).State);
        var inError = await t.Graph.Groups[group.Id].MembersWithLicenseErrors.GetAsync(cancellationToken: Cancel);
        Assert.Equal([bob.Id.ToString()], inError!.Value!.Select(m => m.Id));
        Assert.Equal(Addresses(null), await t.AddressesAsync(bob.Id));
        Assert.Equal(1, await t.ConsumedUnitsAsync(E3));

        // The native API names carol on the error row.
        var error = Assert.Single((await t.LicenseErrorsAsync(bob.Id)).GetProperty("errors").EnumerateArray());
        Assert.Equal("UniquenessViolation", error.GetProperty("error").GetString());
        var conflict = error.GetProperty("conflict");
        Assert.Equal((carol.Id.ToString("D"), "User", "carol"),
            (conflict.GetProperty("objectId").GetString(), conflict.GetProperty("objectType").GetString(), conflict.GetProperty("displayName").GetString()));
        // And so does the per-user audit event of group licensing.
        var audits = await t.Graph.AuditLogs.DirectoryAudits.GetAsync(r => r.QueryParameters.Filter = "activityDisplayName eq 'Change user license'", Cancel);
        var failure = Assert.Single(audits!.Value!, a => a.Result == Microsoft.Graph.Models.OperationResult.Failure);
        Assert.Equal(bob.Id.ToString("D"), Assert.Single(failure.TargetResources!).Id);
        var details = failure.AdditionalDetails!.ToDictionary(d => d.Key!, d => d.Value);
        Assert.Equal(("UniquenessViolation", carol.Id.ToString("D"), "User", "carol"),
            (details["FailureCode"], details["ConflictingObjectId"], details["ConflictingObjectType"], details["ConflictingObjectDisplayName"]));
    }

    [Theory, AllStores]
    public async Task Setting_an_address_another_user_holds_in_another_case_is_refused_naming_the_holder(StoreKind kind)
    {
        await using var t = await StartAsync(kind);
        var ann = await t.AddUserAsync("ann");
        var bob = await t.AddUserAsync("bob");
        var http = t.Http();
        Assert.Equal(HttpStatusCode.OK, (await http.AddAddressAsync("users", ann.Id, "smtp:sales@contoso.com")).StatusCode);

        await AssertClashAsync(await http.AddAddressAsync("users", bob.Id, "SMTP:SALES@Contoso.com"), ann.Id, "User", "ann");

        Assert.Equal(Addresses(null), await t.AddressesAsync(bob.Id));
        Assert.Equal(Addresses(null, "smtp:sales@contoso.com"), await t.AddressesAsync(ann.Id));
    }

    [Theory, AllStores]
    public async Task Setting_mail_that_a_contact_holds_is_refused_with_graph_message(StoreKind kind)
    {
        await using var t = await StartAsync(kind);
        var user = await t.AddUserAsync("ann");
        await t.ContactAsync("Partner", "partner@contoso.com");

        await AssertErrorAsync(
            () => t.Graph.Users[user.Id.ToString()].PatchAsync(new Microsoft.Graph.Models.User { Mail = "Partner@contoso.com" }, cancellationToken: Cancel),
            400, "Request_BadRequest", ProxyInUse);

        Assert.Equal(Addresses(null), await t.AddressesAsync(user.Id));
    }

    [Theory, AllStores]
    public async Task Creating_a_contact_with_an_address_a_user_holds_is_refused_naming_the_user(StoreKind kind)
    {
        await using var t = await StartAsync(kind, ("ENTERPRISEPACK", 5));
        var user = await t.AddUserAsync("nestor");
        await t.AssignAsync(user.Id, [E3]);

        await AssertClashAsync(await t.Http().CreateContactAsync("Copy", "Nestor@CONTOSO.com"), user.Id, "User", "nestor");
        await AssertClashAsync(await t.Http().CreateContactAsync("Copy", "copy@fabrikam.com", "smtp:NESTOR@contoso.onmicrosoft.com"), user.Id, "User", "nestor");

        await using var db = t.NewDb();
        Assert.Equal(0, await db.OrgContacts.CountAsync(c => c.TenantId == t.Tenant.Id, Cancel));
    }

    [Theory, AllStores]
    public async Task Twenty_concurrent_contacts_with_one_address_in_different_cases_give_exactly_one_success(StoreKind kind)
    {
        await using var t = await StartAsync(kind);
        var http = t.Http();
        var variants = Enumerable.Range(0, 20).Select(i => new string([.. "shared@fabrikam.com".Select((c, j) => ((i >> (j % 5)) & 1) == 1 ? char.ToUpperInvariant(c) : c)])).ToList();

        var responses = await Task.WhenAll(variants.Select((mail, i) => http.CreateContactAsync($"Contact {i}", mail)));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(19, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        foreach (var refused in responses.Where(r => r.StatusCode == HttpStatusCode.Conflict))
        {
            Assert.Equal("proxy_address_in_use", (await refused.JsonAsync()).GetProperty("code").GetString());
        }

        await using var db = t.NewDb();
        Assert.Equal(1, await db.RecipientAddresses.CountAsync(a => a.TenantId == t.Tenant.Id && a.AddressKey == "shared@fabrikam.com", Cancel));
        Assert.Equal(1, await db.OrgContacts.CountAsync(c => c.TenantId == t.Tenant.Id, Cancel));
    }

    [Theory, AllStores]
    public async Task Twenty_concurrent_set_address_calls_on_different_users_give_exactly_one_success(StoreKind kind)
    {
        await using var t = await StartAsync(kind);
        var users = await t.AddUsersAsync(Enumerable.Range(0, 20).Select(i => $"user{i}"));
        var http = t.Http();

        var responses = await Task.WhenAll(users.Select((u, i) => http.AddAddressAsync("users", u.Id, i % 2 == 0 ? "smtp:Team@contoso.com" : "smtp:TEAM@contoso.COM")));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(19, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        await using var db = t.NewDb();
        var holder = Assert.Single(await db.RecipientAddresses.Where(a => a.TenantId == t.Tenant.Id && a.AddressKey == "team@contoso.com").ToListAsync(Cancel));
        // The winner's own proxyAddresses agree with the table; nobody else got it.
        var withAddress = await db.Users.Where(u => u.TenantId == t.Tenant.Id).ToListAsync(Cancel);
        Assert.Equal([holder.ObjectId], withAddress.Where(u => u.ProxyAddresses.Count > 0).Select(u => u.Id));
    }

    [Theory, AllStores]
    public async Task Concurrent_licensing_and_contact_creation_for_one_address_never_both_win(StoreKind kind)
    {
        await using var t = await StartAsync(kind, ("ENTERPRISEPACK", 20));
        var users = await t.AddUsersAsync(Enumerable.Range(0, 10).Select(i => $"racer{i}"));
        var http = t.Http();

        var licensing = users.Select(async u =>
        {
            try
            {
                await t.AssignAsync(u.Id, [E3]);
                return true;
            }
            catch (Microsoft.Graph.Models.ODataErrors.ODataError e) when (e.Error?.Message == ProxyInUse)
            {
                return false;
            }
        }).ToList();
        var contacts = users.Select(u => http.CreateContactAsync($"Contact for {u.DisplayName}", u.UserPrincipalName.ToUpperInvariant())).ToList();
        var licensed = await Task.WhenAll(licensing);
        var created = await Task.WhenAll(contacts);

        for (var i = 0; i < users.Count; i++)
        {
            // Exactly one of the two requests for each address won.
            Assert.True(licensed[i] ^ (created[i].StatusCode == HttpStatusCode.Created), $"{users[i].UserPrincipalName}: licensed {licensed[i]}, contact {(int)created[i].StatusCode}");
        }

        await using var db = t.NewDb();
        var keys = users.Select(u => u.UserPrincipalName.ToLowerInvariant()).ToList();
        Assert.Equal(users.Count, await db.RecipientAddresses.CountAsync(a => a.TenantId == t.Tenant.Id && keys.Contains(a.AddressKey), Cancel));
    }
}
