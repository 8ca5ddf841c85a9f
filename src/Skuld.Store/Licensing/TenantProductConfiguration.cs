using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Skuld.Store.Directory;

namespace Skuld.Store.Licensing;

internal sealed class TenantProductConfiguration : IEntityTypeConfiguration<TenantProduct>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public void Configure(EntityTypeBuilder<TenantProduct> builder)
    {
        builder.HasKey(p => new { p.TenantId, p.SkuId });
        builder.HasOne<Tenant>().WithMany().HasForeignKey(p => p.TenantId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(p => p.PartNumber).HasMaxLength(128);
        // The plans are read and written with their product only, so one JSON text column is enough
        // (and it is plain text on both providers, unlike owned JSON types).
        builder.Property(p => p.Plans)
            .HasConversion(
                v => JsonSerializer.Serialize(v, Json),
                v => JsonSerializer.Deserialize<List<TenantServicePlan>>(v, Json) ?? new List<TenantServicePlan>(),
                new ValueComparer<List<TenantServicePlan>>(
                    (a, b) => JsonSerializer.Serialize(a, Json) == JsonSerializer.Serialize(b, Json),
                    v => JsonSerializer.Serialize(v, Json).GetHashCode(StringComparison.Ordinal),
                    v => JsonSerializer.Deserialize<List<TenantServicePlan>>(JsonSerializer.Serialize(v, Json), Json) ?? new List<TenantServicePlan>()));
    }
}
