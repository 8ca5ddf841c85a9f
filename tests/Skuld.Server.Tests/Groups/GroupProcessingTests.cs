using Skuld.Server.Tests.Infrastructure;
using Skuld.Store.Licensing;
using Skuld.Testing;

namespace Skuld.Server.Tests.Groups;

/// <summary>
/// End to end through the server's own license worker: a group's licenses reach its members, a seat
/// shortage shows as members in error, and a reprocess after buying seats clears it.
/// </summary>
public sealed class GroupProcessingTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory, AllStores]
    public async Task Members_beyond_the_seats_are_in_error_until_seats_are_added_and_the_group_reprocessed(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var kit = await GroupTestKit.StartAsync(server, units: 2);
        var group = await kit.CreateGroupAsync("Licensed");
        var members = new List<Skuld.Store.Directory.User>();
        foreach (var name in (string[])["ann", "bob", "cid"])
        {
            var user = await server.AddUserAsync(kit.Tenant, name);
            await kit.AddMemberAsync(group.Id!, user.Id.ToString());
            members.Add(user);
            // Membership time decides who gets the last seats.
            server.Time.Advance(TimeSpan.FromSeconds(1));
        }

        await kit.AssignAsync(group.Id!, GroupTestKit.SkuId);
        await WaitForProcessingAsync(kit, group.Id!);

        var ann = await StatesAsync(kit, members[0]);
        var state = Assert.Single(ann);
        Assert.Equal(("Active", "None", group.Id), (state.State, state.Error, state.AssignedByGroup));
        Assert.Equal("Active", Assert.Single(await StatesAsync(kit, members[1])).State);
        var cid = Assert.Single(await StatesAsync(kit, members[2]));
        Assert.Equal(("Error", "CountViolation"), (cid.State, cid.Error));

        var inError = await kit.Graph.Groups[group.Id].MembersWithLicenseErrors.GetAsync(cancellationToken: Cancel);
        Assert.Equal([members[2].Id.ToString()], inError!.Value!.Select(m => m.Id));
        var flagged = await kit.Graph.Groups.GetAsync(r => r.QueryParameters.Filter = "hasMembersWithLicenseErrors eq true", Cancel);
        Assert.Equal([group.Id], flagged!.Value!.Select(g => g.Id));

        await using (var db = server.NewDb())
        {
            await SubscriptionUnits.AddAsync(db, kit.Tenant.Id, GroupTestKit.SkuId, 1, server.Time, Cancel);
        }

        var http = await kit.HttpAsync();
        Assert.Equal(System.Net.HttpStatusCode.Accepted, (await http.PostAsync($"/api/groups/{group.Id}/reprocess", null, Cancel)).StatusCode);
        await WaitForProcessingAsync(kit, group.Id!);

        foreach (var member in members)
        {
            Assert.Equal("Active", Assert.Single(await StatesAsync(kit, member)).State);
        }

        Assert.Empty((await kit.Graph.Groups[group.Id].MembersWithLicenseErrors.GetAsync(cancellationToken: Cancel))!.Value!);
        Assert.Empty((await kit.Graph.Groups.GetAsync(r => r.QueryParameters.Filter = "hasMembersWithLicenseErrors eq true", Cancel))!.Value!);
    }

    [Theory, AllStores]
    public async Task Member_removed_from_a_licensed_group_loses_its_license(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var kit = await GroupTestKit.StartAsync(server);
        var group = await kit.CreateGroupAsync("Licensed");
        var ann = await server.AddUserAsync(kit.Tenant, "ann");
        await kit.AddMemberAsync(group.Id!, ann.Id.ToString());
        await kit.AssignAsync(group.Id!, GroupTestKit.SkuId);
        await WaitForProcessingAsync(kit, group.Id!);
        Assert.Equal("Active", Assert.Single(await StatesAsync(kit, ann)).State);

        await kit.Graph.Groups[group.Id].Members[ann.Id.ToString()].Ref.DeleteAsync(cancellationToken: Cancel);
        await WaitUntilAsync(async () => (await StatesAsync(kit, ann)).Count == 0);
    }

    [Theory, AllStores]
    public async Task Usage_location_falls_back_to_the_tenant_country_and_a_change_re_evaluates_the_member(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var kit = await GroupTestKit.StartAsync(server);
        var e3 = Skuld.Licensing.Catalogue.ProductCatalogue.BuiltIn.FindByPartNumber("ENTERPRISEPACK")!;
        await using (var db = server.NewDb())
        {
            await SubscriptionUnits.AddAsync(db, kit.Tenant.Id, e3.SkuId, 5, server.Time, Cancel);
        }

        var group = await kit.CreateGroupAsync("E3 users");
        var ann = await server.AddUserAsync(kit.Tenant, "ann");
        await kit.AddMemberAsync(group.Id!, ann.Id.ToString());
        await kit.AssignAsync(group.Id!, e3.SkuId);
        await WaitForProcessingAsync(kit, group.Id!);

        // No usage location: the tenant's country stands in, and is never written to the user.
        Assert.Equal(new Row("Active", "None", group.Id), Assert.Single(await StatesAsync(kit, ann)));
        var read = await kit.Graph.Users[ann.Id.ToString()].GetAsync(r => r.QueryParameters.Select = ["usageLocation"], Cancel);
        Assert.Null(read!.UsageLocation);

        // Skype for Business (in E3) is not offered in Brunei (plan-location-restrictions.csv): setting the
        // usage location re-evaluates the member's group licenses without reprocessing the group.
        await kit.Graph.Users[ann.Id.ToString()].PatchAsync(new Microsoft.Graph.Models.User { UsageLocation = "BN" }, cancellationToken: Cancel);
        await WaitUntilAsync(async () => Assert.Single(await StatesAsync(kit, ann)).Error != "None");
        Assert.Equal(new Row("ActiveWithError", "ProhibitedInUsageLocationViolation", group.Id), Assert.Single(await StatesAsync(kit, ann)));
    }

    private sealed record Row(string? State, string? Error, string? AssignedByGroup);

    private static async Task<List<Row>> StatesAsync(GroupTestKit kit, Skuld.Store.Directory.User user)
    {
        var read = await kit.Graph.Users[user.Id.ToString()].GetAsync(r => r.QueryParameters.Select = ["id", "licenseAssignmentStates"], Cancel);
        return [.. read!.LicenseAssignmentStates!.Select(s => new Row(s.State, s.Error, s.AssignedByGroup))];
    }

    private static Task WaitForProcessingAsync(GroupTestKit kit, string groupId) => WaitUntilAsync(async () =>
    {
        var group = await kit.Graph.Groups[groupId].GetAsync(r => r.QueryParameters.Select = ["licenseProcessingState"], Cancel);
        return group!.LicenseProcessingState?.State == "ProcessingComplete";
    });

    /// <summary>The worker runs in the background on real time: poll, but give up after 30 s.</summary>
    private static async Task WaitUntilAsync(Func<Task<bool>> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await done())
        {
            Assert.True(DateTime.UtcNow < deadline, "license processing did not finish within 30 s");
            await Task.Delay(50, Cancel);
        }
    }
}
