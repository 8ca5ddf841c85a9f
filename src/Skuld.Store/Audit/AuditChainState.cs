using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Skuld.Store.Directory;

namespace Skuld.Store.Audit;

/// <summary>
/// A tenant's audit retention and where its chain starts after purges. No row means keep everything
/// and the chain starts at sequence 1 with no previous hash.
/// </summary>
public sealed class AuditChainState
{
    public required Guid TenantId { get; init; }
    /// <summary>Events older than this many days may be purged; null keeps everything.</summary>
    public int? RetentionDays { get; set; }
    /// <summary>The sequence of the last purged event (0 when nothing was purged).</summary>
    public long AnchorSequence { get; set; }
    /// <summary>The hash of the last purged event: the first kept event's previous hash.</summary>
    public string? AnchorHash { get; set; }
}

internal sealed class AuditChainStateConfiguration : IEntityTypeConfiguration<AuditChainState>
{
    public void Configure(EntityTypeBuilder<AuditChainState> builder)
    {
        builder.HasKey(s => s.TenantId);
        builder.HasOne<Tenant>().WithOne().HasForeignKey<AuditChainState>(s => s.TenantId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(s => s.AnchorHash).HasMaxLength(64);
    }
}
