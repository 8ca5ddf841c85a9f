using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Skuld.Store.Directory;

namespace Skuld.Store.Auth;

internal sealed class AppRegistrationConfiguration : IEntityTypeConfiguration<AppRegistration>
{
    public void Configure(EntityTypeBuilder<AppRegistration> builder)
    {
        builder.HasKey(a => new { a.TenantId, a.Id });
        builder.HasOne<Tenant>().WithMany().HasForeignKey(a => a.TenantId).OnDelete(DeleteBehavior.Cascade);
        // Client ids are global, as in Entra: the token endpoint finds the app by client id alone.
        builder.HasIndex(a => a.AppId).IsUnique();
    }
}
