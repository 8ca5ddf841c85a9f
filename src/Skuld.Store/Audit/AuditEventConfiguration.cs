using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Skuld.Store.Directory;

namespace Skuld.Store.Audit;

internal sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> builder)
    {
        builder.HasKey(e => new { e.TenantId, e.Id });
        builder.HasOne<Tenant>().WithMany().HasForeignKey(e => e.TenantId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(e => new { e.TenantId, e.ActivityDateTime });
        builder.HasIndex(e => new { e.TenantId, e.CorrelationId });
        // The initiator filters of directoryAudits (initiatedBy/user/id, initiatedBy/user/userPrincipalName). Partial:
        // events an application initiated (a million per group job) have neither, and an index entry each would cost
        // a B-tree insert per event for nothing. An equality filter on the column implies the condition, so both
        // SQLite and PostgreSQL use these for it.
        builder.HasIndex(e => new { e.TenantId, e.InitiatedByUserId }).HasFilter("initiated_by_user_id IS NOT NULL");
        builder.HasIndex(e => new { e.TenantId, e.InitiatedByUserPrincipalNameKey }).HasFilter("initiated_by_user_principal_name_key IS NOT NULL");
        builder.Property(e => e.InitiatedByUserPrincipalNameKey).HasMaxLength(1024);
        // Exact target filters (AuditEvent.Names); events with several targets have none here but rows in Targets.
        builder.HasIndex(e => new { e.TenantId, e.TargetId }).HasFilter("target_id IS NOT NULL");
        builder.HasMany(e => e.Targets).WithOne().HasForeignKey(t => new { t.TenantId, t.EventId }).OnDelete(DeleteBehavior.Cascade);
        builder.Property(e => e.ActivityDisplayName).HasMaxLength(256);
        builder.Property(e => e.Category).HasMaxLength(64);
        builder.Property(e => e.Result).HasMaxLength(32);
        builder.Property(e => e.OperationType).HasMaxLength(32);
        builder.Property(e => e.LoggedByService).HasMaxLength(64);
        builder.Property(e => e.Hash).HasMaxLength(64);
        builder.Property(e => e.PreviousHash).HasMaxLength(64);
        // Unique: two sealers racing would fail here rather than fork the chain. Partial: unsealed events have no
        // entry here but one in the index below, which the sealer reads in its order and empties as it seals.
        builder.HasIndex(e => new { e.TenantId, e.Sequence }).IsUnique().HasFilter("sequence IS NOT NULL");
        builder.HasIndex(e => new { e.TenantId, e.ActivityDateTime, e.Id }).HasFilter("sequence IS NULL");
    }
}
