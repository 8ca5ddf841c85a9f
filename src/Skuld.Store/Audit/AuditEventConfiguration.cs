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
        // The initiator filters of directoryAudits (initiatedBy/user/id, initiatedBy/user/userPrincipalName).
        builder.HasIndex(e => new { e.TenantId, e.InitiatedByUserId });
        builder.HasIndex(e => new { e.TenantId, e.InitiatedByUserPrincipalNameKey });
        builder.Property(e => e.InitiatedByUserPrincipalNameKey).HasMaxLength(1024);
        builder.HasMany(e => e.Targets).WithOne().HasForeignKey(t => new { t.TenantId, t.EventId }).OnDelete(DeleteBehavior.Cascade);
        builder.Property(e => e.ActivityDisplayName).HasMaxLength(256);
        builder.Property(e => e.Category).HasMaxLength(64);
        builder.Property(e => e.Result).HasMaxLength(32);
        builder.Property(e => e.OperationType).HasMaxLength(32);
        builder.Property(e => e.LoggedByService).HasMaxLength(64);
        builder.Property(e => e.Hash).HasMaxLength(64);
        builder.Property(e => e.PreviousHash).HasMaxLength(64);
        // Unique: two sealers racing would fail here rather than fork the chain.
        builder.HasIndex(e => new { e.TenantId, e.Sequence }).IsUnique();
    }
}
