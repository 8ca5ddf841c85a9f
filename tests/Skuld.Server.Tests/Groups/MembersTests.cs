using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Graph.Models;
using Skuld.Server.Graph.Groups;
using Skuld.Server.Tests.Infrastructure;
using Skuld.Testing;

namespace Skuld.Server.Tests.Groups;

/// <summary>Members by <c>$ref</c>, <c>members</c>, <c>memberOf</c> and their transitive forms, through the SDK.</summary>
public sealed class MembersTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory, AllStores]
    public async Task Members_are_added_listed_and_removed_and_show_in_memberOf(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var kit = await GroupTestKit.StartAsync(server);
        var group = await kit.CreateGroupAsync("Sales");
        var inner = await kit.CreateGroupAsync("Sales EMEA");
        var ann = await server.AddUserAsync(kit.Tenant, "ann");

        await kit.AddMemberAsync(group.Id!, ann.Id.ToString());
        await kit.AddMemberAsync(group.Id!, inner.Id!);

        var members = (await kit.Graph.Groups[group.Id].Members.GetAsync(cancellationToken: Cancel))!.Value!;
        Assert.Equal(2, members.Count);
        var user = Assert.IsType<User>(Assert.Single(members, m => m.Id == ann.Id.ToString()));
        Assert.Equal("ann@contoso.com", user.UserPrincipalName);
        var nested = Assert.IsType<Group>(Assert.Single(members, m => m.Id == inner.Id));
        Assert.Equal("Sales EMEA", nested.DisplayName);

        var memberOf = (await kit.Graph.Users[ann.Id.ToString()].MemberOf.GetAsync(cancellationToken: Cancel))!.Value!;
        Assert.Equal([group.Id], memberOf.Select(g => g.Id));
        Assert.IsType<Group>(memberOf[0]);

        var again = await GroupTestKit.FailsAsync(() => kit.AddMemberAsync(group.Id!, ann.Id.ToString()), 400, "Request_BadRequest");
        Assert.Equal(MembersEndpoints.MemberAlreadyExists, again.Error!.Message);

        await kit.Graph.Groups[group.Id].Members[ann.Id.ToString()].Ref.DeleteAsync(cancellationToken: Cancel);
        Assert.Equal([inner.Id], (await kit.Graph.Groups[group.Id].Members.GetAsync(cancellationToken: Cancel))!.Value!.Select(m => m.Id));
        Assert.Empty((await kit.Graph.Users[ann.Id.ToString()].MemberOf.GetAsync(cancellationToken: Cancel))!.Value!);
        await GroupTestKit.FailsAsync(
            () => kit.Graph.Groups[group.Id].Members[ann.Id.ToString()].Ref.DeleteAsync(cancellationToken: Cancel), 404, "Request_ResourceNotFound");

        await using var db = server.NewDb();
        var activities = await db.AuditEvents.Where(a => a.TenantId == kit.Tenant.Id && a.Category == "GroupManagement")
            .Select(a => a.ActivityDisplayName).ToListAsync(Cancel);
        Assert.Equal(2, activities.Count(a => a == "Add member to group"));
        Assert.Equal(1, activities.Count(a => a == "Remove member from group"));
    }

    [Theory, AllStores]
    public async Task Transitive_members_and_memberOf_follow_nesting_and_end_on_a_cycle(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var kit = await GroupTestKit.StartAsync(server);
        var a = await kit.CreateGroupAsync("A");
        var b = await kit.CreateGroupAsync("B");
        var c = await kit.CreateGroupAsync("C");
        var ann = await server.AddUserAsync(kit.Tenant, "ann");
        var bob = await server.AddUserAsync(kit.Tenant, "bob");
        await kit.AddMemberAsync(a.Id!, b.Id!);
        await kit.AddMemberAsync(b.Id!, c.Id!);
        await kit.AddMemberAsync(c.Id!, a.Id!); // the cycle
        await kit.AddMemberAsync(c.Id!, ann.Id.ToString());
        await kit.AddMemberAsync(b.Id!, bob.Id.ToString());

        var below = (await kit.Graph.Groups[a.Id].TransitiveMembers.GetAsync(cancellationToken: Cancel))!.Value!;
        Assert.Equal(new[] { b.Id, c.Id, ann.Id.ToString(), bob.Id.ToString() }.Order(), below.Select(m => m.Id).Order());
        Assert.Equal(2, below.OfType<User>().Count());

        var above = (await kit.Graph.Users[ann.Id.ToString()].TransitiveMemberOf.GetAsync(cancellationToken: Cancel))!.Value!;
        Assert.Equal(new[] { a.Id, b.Id, c.Id }.Order(), above.Select(g => g.Id).Order());
        Assert.All(above, g => Assert.IsType<Group>(g));
    }

    [Theory, AllStores]
    public async Task Member_list_pages_with_top_and_next_link(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var kit = await GroupTestKit.StartAsync(server);
        var group = await kit.CreateGroupAsync("Big");
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var user = await server.AddUserAsync(kit.Tenant, $"user{i}");
            await kit.AddMemberAsync(group.Id!, user.Id.ToString());
            ids.Add(user.Id.ToString());
        }

        var first = await kit.Graph.Groups[group.Id].Members.GetAsync(r => r.QueryParameters.Top = 2, Cancel);
        var seen = new List<string>();
        var iterator = Microsoft.Graph.PageIterator<DirectoryObject, DirectoryObjectCollectionResponse>.CreatePageIterator(
            kit.Graph, first!, o => { seen.Add(o.Id!); return true; });
        await iterator.IterateAsync(Cancel);
        Assert.Equal(2, first!.Value!.Count);
        Assert.Equal(ids.Order(), seen.Order());
    }

    [Theory, AllStores]
    public async Task Bad_ref_bodies_and_self_membership_are_refused(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var kit = await GroupTestKit.StartAsync(server);
        var group = await kit.CreateGroupAsync("Sales");
        var http = await kit.HttpAsync();

        foreach (var body in new object[]
        {
            new { other = "x" },
            new Dictionary<string, object> { ["@odata.id"] = 42 },
            new Dictionary<string, object> { ["@odata.id"] = "https://graph.microsoft.com/v1.0/directoryObjects/not-a-guid" },
        })
        {
            var response = await http.PostAsJsonAsync($"/v1.0/groups/{group.Id}/members/$ref", body, Cancel);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var error = (await response.JsonAsync()).GetProperty("error");
            Assert.Equal("Request_BadRequest", error.GetProperty("code").GetString());
            Assert.Equal(MembersEndpoints.InvalidReference, error.GetProperty("message").GetString());
        }

        // Any host is accepted, as long as the path names a directory object.
        var ann = await server.AddUserAsync(kit.Tenant, "ann");
        var local = await http.PostAsJsonAsync($"/v1.0/groups/{group.Id}/members/$ref",
            new Dictionary<string, object> { ["@odata.id"] = $"http://localhost/v1.0/users/{ann.Id}" }, Cancel);
        Assert.Equal(HttpStatusCode.NoContent, local.StatusCode);

        var self = await GroupTestKit.FailsAsync(() => kit.AddMemberAsync(group.Id!, group.Id!), 400, "Request_BadRequest");
        Assert.Equal(MembersEndpoints.SelfMembership, self.Error!.Message);
        await GroupTestKit.FailsAsync(() => kit.AddMemberAsync(group.Id!, Guid.NewGuid().ToString()), 404, "Request_ResourceNotFound");
    }
}
