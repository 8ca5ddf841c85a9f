namespace Skuld.Store.Licensing;

/// <summary>A tenant's purchase of a product. Several subscriptions of one SKU add up in <see cref="TenantSku"/>.</summary>
public sealed class Subscription
{
    public required Guid TenantId { get; init; }
    public required Guid Id { get; init; }
    public required Guid SkuId { get; init; }
    public int EnabledUnits { get; set; }
    public int WarningUnits { get; set; }
    public int SuspendedUnits { get; set; }
    public int LockedOutUnits { get; set; }
    public required DateTimeOffset CreatedDateTime { get; init; }
    public DateTimeOffset? NextLifecycleDateTime { get; set; }
}
