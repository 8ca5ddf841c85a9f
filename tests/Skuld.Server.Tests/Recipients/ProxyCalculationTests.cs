using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Skuld.Testing;
using static Skuld.Server.Tests.Graph.GraphTestTenant;
using static Skuld.Server.Tests.Recipients.RecipientKit;

namespace Skuld.Server.Tests.Recipients;

/// <summary>
/// The proxy calculation (reference §5) seen through Graph: licensing a mail plan computes <c>mail</c> and
/// <c>proxyAddresses</c>, removing the last one reverts, and <c>mail</c>/UPN changes follow. Each rule on both stores.
/// </summary>
public sealed class ProxyCalculationTests
{
    [Theory, AllStores]
    public async Task Licensing_a_mail_plan_makes_the_upn_primary_and_adds_the_initial_domain_address(StoreKind kind)
    {
        await using var t = await StartAsync(kind, ("ENTERPRISEPACK", 5));
        var user = await t.AddUserAsync("nestor");
        Assert.Equal(Addresses(null), await t.AddressesAsync(user.Id));

        await t.AssignAsync(user.Id, [E3]);

        Assert.Equal(Addresses("nestor@contoso.com", "SMTP:nestor@contoso.com", "smtp:nestor@contoso.onmicrosoft.com"), await t.AddressesAsync(user.Id));
        await using var db = t.NewDb();
        var rows = await db.RecipientAddresses.Where(a => a.TenantId == t.Tenant.Id && a.ObjectId == user.Id).OrderBy(a => a.AddressKey).ToListAsync(Cancel);
        Assert.Equal(
            [("nestor@contoso.com", "contoso.com", true), ("nestor@contoso.onmicrosoft.com", "contoso.onmicrosoft.com", false)],
            rows.Select(r => (r.AddressKey, r.Domain!, r.IsPrimary)));
    }

    [Theory, AllStores]
    public async Task Licensing_keeps_an_existing_mail_as_primary_and_adds_the_upn_as_secondary(StoreKind kind)
    {
        await using var t = await StartAsync(kind, ("ENTERPRISEPACK", 5));
        var user = await t.AddUserAsync("nestor");
        await t.Graph.Users[user.Id.ToString()].PatchAsync(new Microsoft.Graph.Models.User { Mail = "Nestor.Wilke@contoso.com" }, cancellationToken: Cancel);
        // Writing mail adds it to proxyAddresses as the primary SMTP address (reference §1.2).
        Assert.Equal(Addresses("Nestor.Wilke@contoso.com", "SMTP:Nestor.Wilke@contoso.com"), await t.AddressesAsync(user.Id));

        await t.AssignAsync(user.Id, [E3]);

        Assert.Equal(
            Addresses("Nestor.Wilke@contoso.com", "SMTP:Nestor.Wilke@contoso.com", "smtp:nestor@contoso.com", "smtp:nestor@contoso.onmicrosoft.com"),
            await t.AddressesAsync(user.Id));
    }

    [Theory, AllStores]
    public async Task Removing_the_last_mail_plan_removes_the_upn_address_and_promotes_the_initial_domain_address(StoreKind kind)
    {
        await using var t = await StartAsync(kind, ("ENTERPRISEPACK", 5), ("EXCHANGESTANDARD", 5));
        var user = await t.AddUserAsync("nestor");
        await t.AssignAsync(user.Id, [E3, Sku("EXCHANGESTANDARD")]);

        // Exchange Online (Plan 1): nothing changes while one mail plan remains.
        await t.AssignAsync(user.Id, [], E3);
        Assert.Equal(Addresses("nestor@contoso.com", "SMTP:nestor@contoso.com", "smtp:nestor@contoso.onmicrosoft.com"), await t.AddressesAsync(user.Id));

        await t.AssignAsync(user.Id, [], Sku("EXCHANGESTANDARD"));
        Assert.Equal(Addresses("nestor@contoso.onmicrosoft.com", "SMTP:nestor@contoso.onmicrosoft.com"), await t.AddressesAsync(user.Id));
        await using var db = t.NewDb();
        Assert.False(await db.RecipientAddresses.AnyAsync(a => a.TenantId == t.Tenant.Id && a.AddressKey == "nestor@contoso.com", Cancel));
    }

    [Theory, AllStores]
    public async Task A_product_without_a_mail_plan_leaves_addresses_alone(StoreKind kind)
    {
        await using var t = await StartAsync(kind, ("EMS", 5));
        var user = await t.AddUserAsync("nestor");

        await t.AssignAsync(user.Id, [Ems]);

        Assert.Equal(Addresses(null), await t.AddressesAsync(user.Id));
    }

    [Theory, AllStores]
    public async Task A_taken_initial_domain_address_is_replaced_by_a_four_digit_variant(StoreKind kind)
    {
        await using var t = await StartAsync(kind, ("ENTERPRISEPACK", 5));
        var user = await t.AddUserAsync("nestor");
        await t.ContactAsync("Someone else", "nestor@contoso.onmicrosoft.com");

        await t.AssignAsync(user.Id, [E3]);

        Assert.Matches(new Regex("^nestor@contoso\\.com \\| SMTP:nestor@contoso\\.com, smtp:nestor[0-9]{4}@contoso\\.onmicrosoft\\.com$"), await t.AddressesAsync(user.Id));
    }

    [Theory, AllStores]
    public async Task A_upn_change_of_a_user_with_a_mailbox_adds_the_new_upn_as_an_address(StoreKind kind)
    {
        await using var t = await StartAsync(kind, ("ENTERPRISEPACK", 5), ("EMS", 5));
        var licensed = await t.AddUserAsync("nestor");
        var unlicensed = await t.AddUserAsync("megan");
        await t.AssignAsync(licensed.Id, [E3]);

        await t.Graph.Users[licensed.Id.ToString()].PatchAsync(new Microsoft.Graph.Models.User { UserPrincipalName = "nestor.wilke@contoso.com" }, cancellationToken: Cancel);
        await t.Graph.Users[unlicensed.Id.ToString()].PatchAsync(new Microsoft.Graph.Models.User { UserPrincipalName = "megan.bowen@contoso.com" }, cancellationToken: Cancel);

        Assert.Equal(
            Addresses("nestor@contoso.com", "SMTP:nestor@contoso.com", "smtp:nestor@contoso.onmicrosoft.com", "smtp:nestor.wilke@contoso.com"),
            await t.AddressesAsync(licensed.Id));
        Assert.Equal(Addresses(null), await t.AddressesAsync(unlicensed.Id));
    }

    [Theory, AllStores]
    public async Task Setting_mail_makes_it_primary_and_keeps_the_old_primary_as_secondary(StoreKind kind)
    {
        await using var t = await StartAsync(kind, ("ENTERPRISEPACK", 5));
        var user = await t.AddUserAsync("nestor");
        await t.AssignAsync(user.Id, [E3]);

        await t.Graph.Users[user.Id.ToString()].PatchAsync(new Microsoft.Graph.Models.User { Mail = "nw@contoso.com" }, cancellationToken: Cancel);

        Assert.Equal(
            Addresses("nw@contoso.com", "SMTP:nw@contoso.com", "smtp:nestor@contoso.com", "smtp:nestor@contoso.onmicrosoft.com"),
            await t.AddressesAsync(user.Id));
    }

    [Theory, AllStores]
    public async Task Group_licensing_computes_addresses_for_members_and_removal_reverts_them(StoreKind kind)
    {
        await using var t = await StartAsync(kind, ("ENTERPRISEPACK", 5));
        var ann = await t.AddUserAsync("ann");
        var bob = await t.AddUserAsync("bob");
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
        await Waiting.UntilAsync(async () => (await t.AddressesAsync(bob.Id)).StartsWith("bob@", StringComparison.Ordinal));

        Assert.Equal(Addresses("ann@contoso.com", "SMTP:ann@contoso.com", "smtp:ann@contoso.onmicrosoft.com"), await t.AddressesAsync(ann.Id));
        Assert.Equal(Addresses("bob@contoso.com", "SMTP:bob@contoso.com", "smtp:bob@contoso.onmicrosoft.com"), await t.AddressesAsync(bob.Id));

        await t.Graph.Groups[group.Id].Members[bob.Id.ToString()].Ref.DeleteAsync(cancellationToken: Cancel);
        await Waiting.UntilAsync(async () => (await t.AddressesAsync(bob.Id)).StartsWith("bob@contoso.onmicrosoft.com", StringComparison.Ordinal));
        Assert.Equal(Addresses("bob@contoso.onmicrosoft.com", "SMTP:bob@contoso.onmicrosoft.com"), await t.AddressesAsync(bob.Id));
    }
}

/// <summary>The license worker runs in the background on real time: poll, but give up after 30 s.</summary>
internal static class Waiting
{
    public static async Task UntilAsync(Func<Task<bool>> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await done())
        {
            Assert.True(DateTime.UtcNow < deadline, "license processing did not finish within 30 s");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }
}
