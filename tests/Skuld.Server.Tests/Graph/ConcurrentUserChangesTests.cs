using Microsoft.EntityFrameworkCore;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Graph.Users.Item.AssignLicense;
using Skuld.Store.Licensing;
using Skuld.Testing;
using static Skuld.Server.Tests.Graph.GraphTestTenant;

namespace Skuld.Server.Tests.Graph;

/// <summary>
/// Updates and deletes of a user racing each other and assignLicense: each request either happens
/// whole or answers a Graph error, never a 500, and the seat counters stay equal to the rows.
/// </summary>
public sealed class ConcurrentUserChangesTests
{
    private const int Rounds = 20;

    [Theory, AllStores]
    public async Task Parallel_patches_and_license_changes_of_one_user_all_succeed(StoreKind kind)
    {
        await using var t = await StartAsync(kind, ("ENTERPRISEPACK", 5));
        var e3 = Sku("ENTERPRISEPACK");
        var sway = Plan("ENTERPRISEPACK", "SWAY");
        var user = await t.AddUserAsync("contended");
        var id = user.Id.ToString();

        var patches = Enumerable.Range(0, Rounds).Select(i => (Func<Task>)(() =>
            t.ClientFor(t.AppToken).Users[id].PatchAsync(new User { DisplayName = $"name {i}", JobTitle = $"title {i}" }, cancellationToken: Cancel)));
        var licenses = Enumerable.Range(0, Rounds).Select(i => (Func<Task>)(() =>
            t.ClientFor(t.AppToken).Users[id].AssignLicense.PostAsync(
                new AssignLicensePostRequestBody { AddLicenses = [new AssignedLicense { SkuId = e3, DisabledPlans = i % 2 == 0 ? [sway] : [] }], RemoveLicenses = [] },
                cancellationToken: Cancel)));

        await Task.WhenAll(patches.Concat(licenses).Select(call => Task.Run(call, Cancel)));

        var read = await t.Graph.Users[id].GetAsync(r => r.QueryParameters.Select = ["displayName", "jobTitle", "assignedLicenses"], Cancel);
        Assert.StartsWith("name ", read!.DisplayName);
        Assert.Equal(read.DisplayName!.Replace("name", "title", StringComparison.Ordinal), read.JobTitle);
        Assert.Equal(e3, Assert.Single(read.AssignedLicenses!).SkuId);
        Assert.Equal(1, await t.ConsumedUnitsAsync(e3));
    }

    [Theory, AllStores]
    public async Task Deleting_users_while_their_licenses_are_assigned_leaks_no_seat(StoreKind kind)
    {
        await using var t = await StartAsync(kind, ("ENTERPRISEPACK", 100));
        var e3 = Sku("ENTERPRISEPACK");
        var users = await t.AddUsersAsync(Enumerable.Range(0, Rounds * 2).Select(i => $"doomed{i:D2}"));

        var outcomes = await Task.WhenAll(users.SelectMany(user => new[]
        {
            Task.Run(() => OutcomeAsync(() => t.ClientFor(t.AppToken).Users[user.Id.ToString()].AssignLicense.PostAsync(
                new AssignLicensePostRequestBody { AddLicenses = [new AssignedLicense { SkuId = e3 }], RemoveLicenses = [] },
                cancellationToken: Cancel)), Cancel),
            Task.Run(() => OutcomeAsync(() => t.ClientFor(t.AppToken).Users[user.Id.ToString()].DeleteAsync(cancellationToken: Cancel)), Cancel),
        }));

        // Every delete succeeds; an assignment either ran first or finds the user gone.
        Assert.All(outcomes, o => Assert.True(o is null or 404, $"answered {o}"));
        Assert.Equal(0, await t.ConsumedUnitsAsync(e3));
        await using var db = t.NewDb();
        Assert.Equal(0, await db.LicenseAssignments.CountAsync(a => a.TenantId == t.Tenant.Id, Cancel));
        Assert.Equal(1, await db.Users.CountAsync(u => u.TenantId == t.Tenant.Id, Cancel));
        await LicenseSeats.RecountConsumedAsync(db, t.Tenant.Id, Cancel);
        Assert.Equal(0, await t.ConsumedUnitsAsync(e3));
    }

    /// <summary>Null when the call succeeded, else the Graph error's HTTP status.</summary>
    private static async Task<int?> OutcomeAsync(Func<Task> call)
    {
        try
        {
            await call();
            return null;
        }
        catch (ODataError error)
        {
            return error.ResponseStatusCode;
        }
    }
}
