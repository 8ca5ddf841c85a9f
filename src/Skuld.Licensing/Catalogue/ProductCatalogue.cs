namespace Skuld.Licensing.Catalogue;

/// <summary>
/// The products Skuld knows. <see cref="BuiltIn"/> is generated from Microsoft's published
/// reference table (embedded CSV); a tenant may add its own products with <see cref="With"/>.
/// </summary>
public sealed class ProductCatalogue
{
    public static ProductCatalogue BuiltIn => throw new NotImplementedException();

    public IReadOnlyList<Product> Products => throw new NotImplementedException();

    public Product? Find(Guid skuId) => throw new NotImplementedException();

    /// <summary>Case-insensitive lookup of a part number such as <c>ENTERPRISEPACK</c>.</summary>
    public Product? FindByPartNumber(string partNumber) => throw new NotImplementedException();

    /// <summary>This catalogue plus a tenant's own products (a tenant product wins on the same skuId).</summary>
    public ProductCatalogue With(IEnumerable<Product> tenantProducts) => throw new NotImplementedException();
}
