using Skuld.Store.Directory;
using Skuld.Store.Licensing;

namespace Skuld.Store.Tests;

/// <summary>Test data: a tenant with one product of its own and users.</summary>
internal static class Seed
{
    public static readonly Guid SkuId = new("5a7e0000-0000-4000-8000-000000000001");
    public static readonly Guid PlanId = new("5a7e0000-0000-4000-8000-0000000000a1");
    public static readonly Guid ExtraPlanId = new("5a7e0000-0000-4000-8000-0000000000a2");
    public static readonly DateTimeOffset Now = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

    /// <summary>A tenant (country US) owning product <see cref="SkuId"/> (part number SKULD_TEST) with <paramref name="units"/> seats.</summary>
    public static async Task<Guid> TenantAsync(SkuldDb db, int units, string domain = "contoso.com")
    {
        var tenantId = Guid.NewGuid();
        db.Tenants.Add(new Tenant
        {
            Id = tenantId,
            DisplayName = "Contoso",
            Domain = domain,
            InitialDomain = domain.Split('.')[0] + ".onmicrosoft.com",
            CountryLetterCode = "US",
            CreatedDateTime = Now,
        });
        db.TenantProducts.Add(new TenantProduct
        {
            TenantId = tenantId,
            SkuId = SkuId,
            PartNumber = "SKULD_TEST",
            DisplayName = "Skuld test product",
            Plans =
            [
                new TenantServicePlan { Id = PlanId, Name = "SKULD_CORE", FriendlyName = "Skuld core" },
                new TenantServicePlan { Id = ExtraPlanId, Name = "SKULD_EXTRA", FriendlyName = "Skuld extra" },
            ],
        });
        await SubscriptionUnits.AddAsync(db, tenantId, SkuId, units, new FixedTime(Now), CancellationToken.None);
        return tenantId;
    }

    public static async Task<Guid> UserAsync(SkuldDb db, Guid tenantId, string upn, string? usageLocation = "US")
    {
        var id = Guid.NewGuid();
        db.Users.Add(new User
        {
            TenantId = tenantId,
            Id = id,
            UserPrincipalName = upn,
            DisplayName = upn.Split('@')[0],
            UsageLocation = usageLocation,
            CreatedDateTime = Now,
        });
        await db.SaveChangesAsync();
        return id;
    }
}

internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
