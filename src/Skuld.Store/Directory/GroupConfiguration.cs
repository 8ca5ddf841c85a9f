using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Skuld.Store.Directory;

internal sealed class GroupConfiguration : IEntityTypeConfiguration<Group>
{
    public void Configure(EntityTypeBuilder<Group> builder)
    {
        builder.HasKey(g => new { g.TenantId, g.Id });
        builder.HasOne<Tenant>().WithMany().HasForeignKey(g => g.TenantId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(g => g.DisplayName).HasMaxLength(256);
        builder.Property(g => g.MailNickname).HasMaxLength(64);
        builder.Property(g => g.LicenseProcessingState).HasMaxLength(32);
        builder.HasIndex(g => new { g.TenantId, g.DisplayName });
        builder.Property(g => g.Version).IsConcurrencyToken();
    }
}

internal sealed class GroupMemberConfiguration : IEntityTypeConfiguration<GroupMember>
{
    public void Configure(EntityTypeBuilder<GroupMember> builder)
    {
        builder.HasKey(m => new { m.TenantId, m.GroupId, m.MemberId });
        builder.HasOne<Group>().WithMany().HasForeignKey(m => new { m.TenantId, m.GroupId }).OnDelete(DeleteBehavior.Cascade);
        builder.Property(m => m.MemberKind).HasMaxLength(16);
        // A user's groups (memberOf, the licensed groups of one user).
        builder.HasIndex(m => new { m.TenantId, m.MemberId });
        // Group processing streams members in membership order (the seat queue) with a keyset cursor.
        builder.HasIndex(m => new { m.TenantId, m.GroupId, m.AddedDateTime, m.MemberId });
    }
}
