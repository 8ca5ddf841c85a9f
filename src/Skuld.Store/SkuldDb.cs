using Microsoft.EntityFrameworkCore;
using Skuld.Licensing.Engine;
using Skuld.Store.Audit;
using Skuld.Store.Auth;
using Skuld.Store.Directory;
using Skuld.Store.Licensing;
using Skuld.Store.Processing;
using Skuld.Store.Providers;
using Skuld.Store.Recipients;

namespace Skuld.Store;

/// <summary>
/// The store. Every table is keyed by tenant id first. The provider-specific parts (type mappings,
/// migrations) live in <see cref="SqliteSkuldDb"/> and <see cref="PostgresSkuldDb"/>; code depends on
/// this base type only.
/// </summary>
public class SkuldDb(DbContextOptions options) : DbContext(options)
{
    public DbSet<Tenant> Tenants => Set<Tenant>();
    public DbSet<User> Users => Set<User>();
    public DbSet<Group> Groups => Set<Group>();
    public DbSet<GroupMember> GroupMembers => Set<GroupMember>();
    public DbSet<Licensing.GroupLicense> GroupLicenses => Set<Licensing.GroupLicense>();
    public DbSet<Subscription> Subscriptions => Set<Subscription>();
    public DbSet<TenantSku> TenantSkus => Set<TenantSku>();
    public DbSet<TenantProduct> TenantProducts => Set<TenantProduct>();
    public DbSet<LicenseAssignment> LicenseAssignments => Set<LicenseAssignment>();
    public DbSet<AppRegistration> AppRegistrations => Set<AppRegistration>();
    public DbSet<RoleAssignment> RoleAssignments => Set<RoleAssignment>();
    public DbSet<SigningKey> SigningKeys => Set<SigningKey>();
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();
    public DbSet<LicenseWorkItem> LicenseWorkItems => Set<LicenseWorkItem>();
    public DbSet<LicenseWorkLog> LicenseWorkLog => Set<LicenseWorkLog>();
    public DbSet<OrgContact> OrgContacts => Set<OrgContact>();
    public DbSet<RecipientAddress> RecipientAddresses => Set<RecipientAddress>();

    /// <summary>A context on the given store, for direct use (CLI bootstrap verbs, tests). Dispose it.</summary>
    public static SkuldDb CreateFor(StoreLocation location) => location.Provider switch
    {
        StoreProvider.Sqlite => new SqliteSkuldDb(SqliteSkuldDb.Options(location.ConnectionString)),
        StoreProvider.Postgres => new PostgresSkuldDb(PostgresSkuldDb.Options(location.ConnectionString)),
    };

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(SkuldDb).Assembly);
        SnakeCaseNames.Apply(modelBuilder);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Enums are stored by name: readable in SQL and safe against reordering the enum.
        configurationBuilder.Properties<LicenseState>().HaveConversion<string>();
        configurationBuilder.Properties<LicenseError>().HaveConversion<string>();
        configurationBuilder.Properties<DirectoryRole>().HaveConversion<string>();
        configurationBuilder.Properties<LicenseProcessingState>().HaveConversion<string>();
        configurationBuilder.Properties<MemberKind>().HaveConversion<string>();
        configurationBuilder.Properties<LicenseWorkKind>().HaveConversion<string>();
        configurationBuilder.Properties<LicenseWorkPhase>().HaveConversion<string>();
        configurationBuilder.Properties<RecipientType>().HaveConversion<string>();
    }
}
