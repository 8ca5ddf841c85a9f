namespace Skuld.Store.Licensing;

/// <summary>
/// The seat counter of one product in one tenant: the sum of its subscriptions' units and the seats
/// in use. Seats are taken with a conditional update on this row inside the change's transaction
/// (<c>consumed + n &lt;= enabled</c>), so concurrent requests can never oversubscribe.
/// </summary>
public sealed class TenantSku
{
    public required Guid TenantId { get; init; }
    public required Guid SkuId { get; init; }
    public int EnabledUnits { get; set; }
    public int WarningUnits { get; set; }
    public int SuspendedUnits { get; set; }
    public int LockedOutUnits { get; set; }
    public int ConsumedUnits { get; set; }
}
