using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Skuld.Store.Directory;

namespace Skuld.Store.Processing;

internal sealed class LicenseWorkItemConfiguration : IEntityTypeConfiguration<LicenseWorkItem>
{
    public void Configure(EntityTypeBuilder<LicenseWorkItem> builder)
    {
        builder.HasKey(w => new { w.TenantId, w.Id });
        builder.HasOne<Tenant>().WithMany().HasForeignKey(w => w.TenantId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(w => w.Kind).HasMaxLength(16);
        builder.Property(w => w.Phase).HasMaxLength(16);
        builder.Property(w => w.LeaseOwner).HasMaxLength(128);
        // The worker looks for the oldest item of any tenant.
        builder.HasIndex(w => new { w.EnqueuedAt, w.Id });
        builder.HasIndex(w => new { w.TenantId, w.GroupId });
    }
}

internal sealed class LicenseWorkLogConfiguration : IEntityTypeConfiguration<LicenseWorkLog>
{
    public void Configure(EntityTypeBuilder<LicenseWorkLog> builder)
    {
        builder.ToTable("license_work_log");
        builder.HasKey(l => new { l.TenantId, l.WorkId, l.Batch });
        builder.HasOne<Tenant>().WithMany().HasForeignKey(l => l.TenantId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(l => l.Owner).HasMaxLength(128);
    }
}
