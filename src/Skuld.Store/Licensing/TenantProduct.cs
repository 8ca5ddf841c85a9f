namespace Skuld.Store.Licensing;

/// <summary>A product a tenant defined itself (for people who license their own software).</summary>
public sealed class TenantProduct
{
    public required Guid TenantId { get; init; }
    public required Guid SkuId { get; init; }
    public required string PartNumber { get; set; }
    public required string DisplayName { get; set; }
    public List<TenantServicePlan> Plans { get; set; } = [];
}

public sealed class TenantServicePlan
{
    public required Guid Id { get; init; }
    public required string Name { get; init; }
    public required string FriendlyName { get; init; }
}
