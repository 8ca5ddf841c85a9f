using Skuld.Licensing.Engine;

namespace Skuld.Store.Licensing;

/// <summary>
/// One assignment of a product to a user and its state: one row per (tenant, user, SKU, source).
/// <see cref="SourceId"/> is <see cref="Guid.Empty"/> for a direct assignment, else the group id.
/// </summary>
public sealed class LicenseAssignment
{
    public static readonly Guid Direct = Guid.Empty;

    public required Guid TenantId { get; init; }
    public required Guid UserId { get; init; }
    public required Guid SkuId { get; init; }
    public required Guid SourceId { get; init; }
    public List<Guid> DisabledPlans { get; set; } = [];
    public LicenseState State { get; set; }
    public LicenseError Error { get; set; }
    public required DateTimeOffset AssignedDateTime { get; init; }
    public required DateTimeOffset LastUpdatedDateTime { get; set; }
}
