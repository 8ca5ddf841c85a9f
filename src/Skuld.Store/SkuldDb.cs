using Microsoft.EntityFrameworkCore;
using Skuld.Store.Audit;
using Skuld.Store.Auth;
using Skuld.Store.Directory;
using Skuld.Store.Licensing;

namespace Skuld.Store;

/// <summary>The store. Every table is keyed by tenant id first.</summary>
public class SkuldDb(DbContextOptions options) : DbContext(options)
{
    public DbSet<Tenant> Tenants => Set<Tenant>();
    public DbSet<User> Users => Set<User>();
    public DbSet<Subscription> Subscriptions => Set<Subscription>();
    public DbSet<TenantSku> TenantSkus => Set<TenantSku>();
    public DbSet<TenantProduct> TenantProducts => Set<TenantProduct>();
    public DbSet<LicenseAssignment> LicenseAssignments => Set<LicenseAssignment>();
    public DbSet<AppRegistration> AppRegistrations => Set<AppRegistration>();
    public DbSet<RoleAssignment> RoleAssignments => Set<RoleAssignment>();
    public DbSet<SigningKey> SigningKeys => Set<SigningKey>();
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();
}
