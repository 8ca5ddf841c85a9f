using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Skuld.Store.Auth;

internal sealed class SigningKeyConfiguration : IEntityTypeConfiguration<SigningKey>
{
    // The one table without a tenant: the key is shared by all tenants of the server.
    public void Configure(EntityTypeBuilder<SigningKey> builder) => builder.HasKey(k => k.Id);
}
