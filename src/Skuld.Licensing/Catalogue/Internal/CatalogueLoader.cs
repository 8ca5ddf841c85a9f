using System.Collections.Immutable;

namespace Skuld.Licensing.Catalogue.Internal;

/// <summary>Builds the built-in products from Microsoft's reference table and our two small AppliesTo lists.</summary>
internal static class CatalogueLoader
{
    public const string ReferenceFile = "licensing-service-plan-reference.csv";
    public const string CompanyProductsFile = "company-products.csv";
    public const string CompanyPlansFile = "company-plans.csv";

    public static ImmutableArray<Product> LoadBuiltIn()
    {
        var companyProducts = EmbeddedData.ReadTable(CompanyProductsFile)
            .Select(row => Guid.Parse(row["GUID"]))
            .ToHashSet();
        var companyPlans = EmbeddedData.ReadTable(CompanyPlansFile)
            .Select(row => Guid.Parse(row["Service_Plan_Id"]))
            .ToHashSet();
        return Build(EmbeddedData.ReadTable(ReferenceFile), companyProducts, companyPlans);
    }

    /// <summary>
    /// Groups rows by SKU GUID, not by String_Id: MCOPSTN5 names two SKUs. A plan listed twice in one
    /// product (the table has exact duplicate rows) is kept once, at its first position.
    /// </summary>
    public static ImmutableArray<Product> Build(
        IEnumerable<IReadOnlyDictionary<string, string>> rows,
        IReadOnlySet<Guid> companyProducts,
        IReadOnlySet<Guid> companyPlans)
    {
        var order = new List<Guid>();
        var heads = new Dictionary<Guid, (string PartNumber, string DisplayName)>();
        var plans = new Dictionary<Guid, List<ServicePlan>>();
        foreach (var row in rows)
        {
            var skuId = Guid.Parse(row["GUID"]);
            if (!heads.ContainsKey(skuId))
            {
                order.Add(skuId);
                heads[skuId] = (row["String_Id"], row["Product_Display_Name"]);
                plans[skuId] = [];
            }

            var planId = Guid.Parse(row["Service_Plan_Id"]);
            var skuPlans = plans[skuId];
            if (skuPlans.Exists(p => p.Id == planId))
            {
                continue;
            }
            var appliesTo = companyPlans.Contains(planId) ? AppliesTo.Company : AppliesTo.User;
            skuPlans.Add(new ServicePlan(
                planId, row["Service_Plan_Name"], row["Service_Plans_Included_Friendly_Names"], appliesTo));
        }

        return [.. order.Select(skuId => new Product(
            skuId,
            heads[skuId].PartNumber,
            heads[skuId].DisplayName,
            companyProducts.Contains(skuId) ? AppliesTo.Company : AppliesTo.User,
            [.. plans[skuId]]))];
    }
}
