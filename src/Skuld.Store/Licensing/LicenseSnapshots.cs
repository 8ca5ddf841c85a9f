using System.Collections.Immutable;
using Microsoft.EntityFrameworkCore;
using Skuld.Licensing.Catalogue;
using Skuld.Licensing.Engine;
using Skuld.Licensing.Rules;

namespace Skuld.Store.Licensing;

/// <summary>Loads what the engine needs from the store: a tenant's stock and a user's assignments.</summary>
public static class LicenseSnapshots
{
    /// <summary>
    /// The tenant as the engine sees it: its country, its subscribed SKUs (with products from the
    /// built-in catalogue plus the tenant's own) and the built-in plan rules; null when no such tenant.
    /// </summary>
    public static async Task<TenantSnapshot?> LoadTenantAsync(SkuldDb db, Guid tenantId, CancellationToken ct)
    {
        var country = await db.Tenants.AsNoTracking()
            .Where(t => t.Id == tenantId)
            .Select(t => t.CountryLetterCode)
            .SingleOrDefaultAsync(ct);
        if (country is null)
        {
            return null;
        }

        var catalogue = await LoadCatalogueAsync(db, tenantId, ct);
        var skus = await db.TenantSkus.AsNoTracking().Where(s => s.TenantId == tenantId).ToListAsync(ct);
        var stock = ImmutableDictionary.CreateBuilder<Guid, SkuStock>();
        foreach (var sku in skus)
        {
            // A SKU whose product left the catalogue cannot be assigned; the engine then reports it unknown.
            if (catalogue.Find(sku.SkuId) is { } product)
            {
                stock[sku.SkuId] = new SkuStock(product, sku.EnabledUnits, sku.ConsumedUnits);
            }
        }

        return new TenantSnapshot(country, stock.ToImmutable(), PlanRules.BuiltIn);
    }

    /// <summary>The built-in catalogue plus the tenant's own products.</summary>
    public static async Task<ProductCatalogue> LoadCatalogueAsync(SkuldDb db, Guid tenantId, CancellationToken ct)
    {
        var own = await db.TenantProducts.AsNoTracking().Where(p => p.TenantId == tenantId).ToListAsync(ct);
        return own.Count == 0 ? ProductCatalogue.BuiltIn : ProductCatalogue.BuiltIn.With(own.Select(ToProduct));
    }

    /// <summary>The user as the engine sees it; null when no such user in the tenant.</summary>
    public static async Task<UserSnapshot?> LoadUserAsync(SkuldDb db, Guid tenantId, Guid userId, CancellationToken ct)
    {
        var user = await db.Users.AsNoTracking()
            .Where(u => u.TenantId == tenantId && u.Id == userId)
            .Select(u => new { u.UsageLocation })
            .SingleOrDefaultAsync(ct);
        if (user is null)
        {
            return null;
        }

        var rows = await db.LicenseAssignments.AsNoTracking()
            .Where(a => a.TenantId == tenantId && a.UserId == userId)
            .ToListAsync(ct);
        return new UserSnapshot(userId, user.UsageLocation, [.. rows.Select(ToState).OrderBy(a => a.SkuId).ThenBy(a => a.AssignedByGroup)]);
    }

    public static Product ToProduct(this TenantProduct product) => new(
        product.SkuId,
        product.PartNumber,
        product.DisplayName,
        AppliesTo.User,
        [.. product.Plans.Select(p => new ServicePlan(p.Id, p.Name, p.FriendlyName, AppliesTo.User))]);

    public static AssignmentState ToState(this LicenseAssignment row) => new(
        row.SkuId,
        row.SourceId == LicenseAssignment.Direct ? null : row.SourceId,
        [.. row.DisabledPlans],
        row.State,
        row.Error);
}
