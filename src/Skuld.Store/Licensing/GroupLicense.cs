namespace Skuld.Store.Licensing;

/// <summary>A product a group assigns to its members: one row per (tenant, group, SKU).</summary>
public sealed class GroupLicense
{
    public required Guid TenantId { get; init; }
    public required Guid GroupId { get; init; }
    public required Guid SkuId { get; init; }
    public List<Guid> DisabledPlans { get; set; } = [];
    public required DateTimeOffset AssignedDateTime { get; init; }
}
