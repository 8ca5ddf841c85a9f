namespace Skuld.Store.Processing;

/// <summary>
/// One committed batch of a work item, written in the batch's transaction. The key (work id, batch)
/// makes a batch committed twice fail loudly; tests read it to prove no unit was processed twice.
/// </summary>
public sealed class LicenseWorkLog
{
    public required Guid TenantId { get; init; }
    public required Guid WorkId { get; init; }
    public required int Batch { get; init; }
    public required string Owner { get; init; }
    public required int Users { get; init; }
    public required DateTimeOffset CommittedAt { get; init; }
}
