using System.Collections.Frozen;
using System.Collections.Immutable;
using Skuld.Licensing.Catalogue.Internal;

namespace Skuld.Licensing.Catalogue;

/// <summary>
/// The products Skuld knows. <see cref="BuiltIn"/> is generated from Microsoft's published
/// reference table (embedded CSV); a tenant may add its own products with <see cref="With"/>.
/// </summary>
public sealed class ProductCatalogue
{
    // Lazy<T> defaults to ExecutionAndPublication: the table is parsed once even under concurrent first use.
    private static readonly Lazy<ProductCatalogue> builtIn = new(() => new ProductCatalogue(CatalogueLoader.LoadBuiltIn()));

    private readonly ImmutableArray<Product> products;
    private readonly FrozenDictionary<Guid, Product> bySkuId;
    private readonly FrozenDictionary<string, Product> byPartNumber;

    /// <summary>A catalogue of exactly these products (later ones win on the same skuId).</summary>
    public ProductCatalogue(IEnumerable<Product> products)
    {
        var ordered = new List<Product>();
        var index = new Dictionary<Guid, int>();
        foreach (var product in products)
        {
            if (index.TryGetValue(product.SkuId, out var at))
            {
                ordered[at] = product;
            }
            else
            {
                index[product.SkuId] = ordered.Count;
                ordered.Add(product);
            }
        }

        this.products = [.. ordered];
        bySkuId = ordered.ToFrozenDictionary(p => p.SkuId);

        // A part number can name two SKUs (MCOPSTN5 does): the first in catalogue order answers.
        var parts = new Dictionary<string, Product>(StringComparer.OrdinalIgnoreCase);
        foreach (var product in ordered)
        {
            parts.TryAdd(product.PartNumber, product);
        }
        byPartNumber = parts.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    public static ProductCatalogue BuiltIn => builtIn.Value;

    /// <summary>The products in catalogue order (the reference table's order, tenant products after).</summary>
    public IReadOnlyList<Product> Products => products;

    public Product? Find(Guid skuId) => bySkuId.GetValueOrDefault(skuId);

    /// <summary>Case-insensitive lookup of a part number such as <c>ENTERPRISEPACK</c>.</summary>
    public Product? FindByPartNumber(string partNumber) => byPartNumber.GetValueOrDefault(partNumber);

    /// <summary>This catalogue plus a tenant's own products (a tenant product wins on the same skuId).</summary>
    public ProductCatalogue With(IEnumerable<Product> tenantProducts) => new([.. products, .. tenantProducts]);
}
