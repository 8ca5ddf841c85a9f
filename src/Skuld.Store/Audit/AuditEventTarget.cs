using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Skuld.Store.Audit;

/// <summary>
/// One id of an event's <c>targetResources</c>, in a row of its own so that
/// <c>targetResources/any(t:t/id eq …)</c> is an exact, indexed lookup rather than a match inside the JSON
/// (where an id that appears only in a modified property's old or new value would match too).
/// Derived from <see cref="AuditEvent.TargetResources"/> on write; not part of the hash chain, which covers the JSON.
/// </summary>
public sealed class AuditEventTarget
{
    public required Guid TenantId { get; init; }
    public required Guid EventId { get; init; }
    public required Guid TargetId { get; init; }
}

internal sealed class AuditEventTargetConfiguration : IEntityTypeConfiguration<AuditEventTarget>
{
    public void Configure(EntityTypeBuilder<AuditEventTarget> builder)
    {
        builder.ToTable("audit_event_targets");
        builder.HasKey(t => new { t.TenantId, t.EventId, t.TargetId });
        // Covering (event id included): "events about this object" reads the index alone.
        builder.HasIndex(t => new { t.TenantId, t.TargetId, t.EventId });
    }
}
