using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Graph.Users.Item.AssignLicense;
using Microsoft.EntityFrameworkCore;
using Skuld.Licensing.Engine;
using Skuld.Testing;
using static Skuld.Server.Tests.Graph.GraphTestTenant;

namespace Skuld.Server.Tests.Graph;

/// <summary>Seats under load: parallel assignLicense calls never take more seats than are enabled.</summary>
public sealed class AssignLicenseConcurrencyTests
{
    private const int Users = 200;
    private const int Seats = 50;

    [Theory, AllStores]
    public async Task Two_hundred_parallel_assignments_on_fifty_seats_give_exactly_fifty(StoreKind kind)
    {
        await using var t = await StartAsync(kind, ("ENTERPRISEPACK", Seats));
        var e3 = Sku("ENTERPRISEPACK");
        var users = await t.AddUsersAsync(Enumerable.Range(0, Users).Select(i => $"racer{i:D3}"));

        // Each call has its own SDK client (and HttpClient), as separate scripts would.
        var outcomes = await Task.WhenAll(users.Select(async user =>
        {
            var graph = t.ClientFor(t.AppToken);
            try
            {
                await graph.Users[user.Id.ToString()].AssignLicense.PostAsync(
                    new AssignLicensePostRequestBody { AddLicenses = [new AssignedLicense { SkuId = e3 }], RemoveLicenses = [] },
                    cancellationToken: Cancel);
                return (Succeeded: true, Error: (ODataError?)null);
            }
            catch (ODataError error)
            {
                return (Succeeded: false, Error: error);
            }
        }));

        Assert.Equal(Seats, outcomes.Count(o => o.Succeeded));
        var failures = outcomes.Where(o => !o.Succeeded).Select(o => o.Error!).ToList();
        Assert.Equal(Users - Seats, failures.Count);
        Assert.All(failures, f => Assert.Equal(
            (400, "Request_BadRequest", $"Subscription with SKU {e3} does not have any available licenses."),
            (f.ResponseStatusCode, f.Error!.Code, f.Error.Message)));
        Assert.Equal(Seats, await t.ConsumedUnitsAsync(e3));

        // The store agrees: fifty users hold one active row each, and recounting changes nothing.
        await using var db = t.NewDb();
        var holders = await db.LicenseAssignments
            .Where(a => a.TenantId == t.Tenant.Id && a.SkuId == e3 && a.State == LicenseState.Active)
            .Select(a => a.UserId)
            .ToListAsync(Cancel);
        Assert.Equal(Seats, holders.Distinct().Count());
        Assert.Equal(Seats, holders.Count);
        await Store.Licensing.LicenseSeats.RecountConsumedAsync(db, t.Tenant.Id, Cancel);
        Assert.Equal(Seats, await t.ConsumedUnitsAsync(e3));
    }
}
