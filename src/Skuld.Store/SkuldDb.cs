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
/// this base type only. A context works in one tenant's scope (<see cref="EnterTenant"/>); see
/// <see cref="TenantScope"/> for the isolation rules.
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

    /// <summary>The tenant this context works in; null until <see cref="EnterTenant"/> (then it sees no tenant's rows).</summary>
    public Guid? ScopedTenantId { get; private set; }

    /// <summary>Made for all tenants (<see cref="EnterAllTenants"/>): no tenant filter, writes unchecked.</summary>
    public bool SeesAllTenants { get; private set; }

    /// <summary>Set when EF Core picks this context's model (see <see cref="TenantModelCacheKeyFactory"/>).</summary>
    internal bool ModelChosen { get; set; }

    /// <summary>
    /// A context on the given store, for direct use (CLI verbs, tests), with no tenant scope yet: it sees no
    /// tenant's rows until <see cref="EnterTenant"/>. Dispose it.
    /// </summary>
    public static SkuldDb CreateFor(StoreLocation location) => location.Provider switch
    {
        StoreProvider.Sqlite => new SqliteSkuldDb(SqliteSkuldDb.Options(location.ConnectionString)),
        StoreProvider.Postgres => new PostgresSkuldDb(PostgresSkuldDb.Options(location.ConnectionString)),
    };

    /// <summary>A context on the given store scoped to one tenant. Dispose it.</summary>
    public static SkuldDb CreateFor(StoreLocation location, Guid tenantId) => CreateFor(location).EnterTenant(tenantId);

    /// <summary>A context on the given store that sees every tenant (see <see cref="EnterAllTenants"/>). Dispose it.</summary>
    public static SkuldDb CreateForAllTenants(StoreLocation location) => CreateFor(location).EnterAllTenants();

    /// <summary>
    /// Scopes this context to a tenant, once: from now on it reads and writes only that tenant's rows, and its
    /// raw SQL binds that tenant. Entering the same tenant again does nothing; another tenant throws. On a
    /// context made for all tenants it only names the tenant raw SQL binds, and may change.
    /// </summary>
    public SkuldDb EnterTenant(Guid tenantId)
    {
        if (!SeesAllTenants && ScopedTenantId is { } scope && scope != tenantId)
        {
            throw new InvalidOperationException($"This context is scoped to tenant {scope}; use a new context for tenant {tenantId}.");
        }

        ScopedTenantId = tenantId;
        return this;
    }

    /// <summary>
    /// Makes this context see and write every tenant's rows: for operator tools and test harnesses only, never for
    /// a request. Call it before the context's first use (the model without tenant filters is chosen then).
    /// </summary>
    public SkuldDb EnterAllTenants()
    {
        if (ModelChosen && !SeesAllTenants)
        {
            throw new InvalidOperationException("EnterAllTenants must be called before the context is first used.");
        }

        SeesAllTenants = true;
        return this;
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        TenantScope.CheckWrites(this);
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        TenantScope.CheckWrites(this);
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(SkuldDb).Assembly);
        SnakeCaseNames.Apply(modelBuilder);
        if (!SeesAllTenants)
        {
            TenantScope.ApplyFilters(modelBuilder, this);
        }
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
