using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Skuld.Licensing.Catalogue;
using Skuld.Server.Auth;
using Skuld.Store;
using Skuld.Store.Licensing;

namespace Skuld.Server.Graph.Skus;

/// <summary>Graph v1.0 <c>/subscribedSkus</c>: the tenant's products with exact seat counts.</summary>
public static class SubscribedSkusEndpoints
{
    public static void MapSubscribedSkus(this RouteGroupBuilder graph)
    {
        graph.MapGet("/subscribedSkus", ListAsync).RequirePermission(Permission.ReadDirectory);
        graph.MapGet("/subscribedSkus/{id}", GetAsync).RequirePermission(Permission.ReadDirectory);
    }

    private static async Task<IResult> ListAsync(HttpContext http, SkuldDb db, CancellationToken ct)
    {
        var caller = http.GetCaller();
        var skus = await LoadAsync(db, caller.TenantId, skuId: null, ct);
        return GraphJson.Ok(GraphJson.Collection("subscribedSkus", skus));
    }

    private static async Task<IResult> GetAsync(string id, HttpContext http, SkuldDb db, CancellationToken ct)
    {
        var caller = http.GetCaller();
        // Graph's id is "{tenantId}_{skuId}"; another tenant's id is simply not found.
        var parts = id.Split('_');
        if (parts.Length != 2 || !Guid.TryParse(parts[0], out var tenantId) || !Guid.TryParse(parts[1], out var skuId)
            || tenantId != caller.TenantId)
        {
            return GraphError.NotFound(id);
        }

        var skus = await LoadAsync(db, caller.TenantId, skuId, ct);
        if (skus.Count == 0)
        {
            return GraphError.NotFound(id);
        }

        var body = skus[0]!;
        body.Insert(0, "@odata.context", GraphJson.ContextBase + "subscribedSkus/$entity");
        return GraphJson.Ok(body);
    }

    private static async Task<List<JsonObject>> LoadAsync(SkuldDb db, Guid tenantId, Guid? skuId, CancellationToken ct)
    {
        var tenant = await db.Tenants.AsNoTracking().FirstAsync(t => t.Id == tenantId, ct);
        var catalogue = await LicenseSnapshots.LoadCatalogueAsync(db, tenantId, ct);
        var counters = await db.TenantSkus.AsNoTracking()
            .Where(s => s.TenantId == tenantId && (skuId == null || s.SkuId == skuId))
            .ToListAsync(ct);
        var subscriptions = (await db.Subscriptions.AsNoTracking()
            .Where(s => s.TenantId == tenantId && (skuId == null || s.SkuId == skuId))
            .Select(s => new { s.SkuId, s.Id })
            .ToListAsync(ct))
            .ToLookup(s => s.SkuId, s => s.Id);

        return [.. counters
            .OrderBy(c => c.SkuId)
            .Select(c => (Counter: c, Product: catalogue.Find(c.SkuId)))
            .Where(x => x.Product is not null)
            .Select(x => Write(tenant.Id, tenant.DisplayName, x.Counter, x.Product!, subscriptions[x.Counter.SkuId]))];
    }

    private static JsonObject Write(Guid tenantId, string tenantName, TenantSku counter, Product product, IEnumerable<Guid> subscriptionIds) => new()
    {
        ["accountName"] = tenantName,
        ["accountId"] = GraphJson.Id(tenantId),
        ["appliesTo"] = product.AppliesTo.ToString(),
        ["capabilityStatus"] = CapabilityStatus(counter),
        ["consumedUnits"] = counter.ConsumedUnits,
        ["id"] = $"{GraphJson.Id(tenantId)}_{GraphJson.Id(product.SkuId)}",
        ["prepaidUnits"] = new JsonObject
        {
            ["enabled"] = counter.EnabledUnits,
            ["lockedOut"] = counter.LockedOutUnits,
            ["suspended"] = counter.SuspendedUnits,
            ["warning"] = counter.WarningUnits,
        },
        ["servicePlans"] = new JsonArray([.. product.Plans.Select(p => (JsonNode)new JsonObject
        {
            ["servicePlanId"] = GraphJson.Id(p.Id),
            ["servicePlanName"] = p.Name,
            ["provisioningStatus"] = "Success",
            ["appliesTo"] = p.AppliesTo.ToString(),
        })]),
        ["skuId"] = GraphJson.Id(product.SkuId),
        ["skuPartNumber"] = product.PartNumber,
        ["subscriptionIds"] = new JsonArray([.. subscriptionIds.Order().Select(s => (JsonNode?)GraphJson.Id(s))]),
    };

    // Graph: Enabled while any unit is enabled; otherwise the most advanced lifecycle state that has units.
    private static string CapabilityStatus(TenantSku c) =>
        c.EnabledUnits > 0 ? "Enabled"
        : c.WarningUnits > 0 ? "Warning"
        : c.SuspendedUnits > 0 ? "Suspended"
        : c.LockedOutUnits > 0 ? "LockedOut"
        : "Deleted";
}
