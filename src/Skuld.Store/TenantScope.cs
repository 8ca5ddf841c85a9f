using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Skuld.Store.Directory;

namespace Skuld.Store;

/// <summary>
/// Tenant isolation, in one place. Every entity type with a <c>TenantId</c> (and <see cref="Tenant"/>
/// itself, by its id) gets a global query filter by convention: a <see cref="SkuldDb"/> sees only the rows
/// of the tenant it is scoped to (<see cref="SkuldDb.EnterTenant"/>), and a context with no scope sees no
/// tenant-owned rows at all: the filter fails closed. The filter also applies to
/// <c>ExecuteUpdate</c>/<c>ExecuteDelete</c> and to <c>FromSql</c> on a set. Saving a row of another tenant
/// throws (<see cref="SkuldDb.SaveChangesAsync(bool, CancellationToken)"/>), and raw SQL binds the tenant
/// from the scope (<see cref="TenantSql"/>), never from an argument.
/// <para>
/// Rules for new code: a new tenant-owned entity has a <c>Guid TenantId</c> property and gets the filter
/// without any edit here (the isolation tests enumerate the model and fail for an entity without it, or
/// without seeded rows). The server scopes each request's context to the caller's tenant. Code that must
/// span tenants says so with <see cref="AcrossTenants{T}"/> on that one query (the worker's claim, the
/// token endpoint's tenant lookup, the audit sealer's list of tenants, the bootstrap verbs' domain checks),
/// or works on a context made for all tenants (<see cref="SkuldDb.EnterAllTenants"/>: operator tools and tests).
/// </para>
/// </summary>
public static class TenantScope
{
    /// <summary>The name of the tenant filter (EF Core named query filters).</summary>
    public const string FilterName = "Tenant";

    /// <summary>
    /// This one query spans tenants: the tenant filter is not applied. For system paths only (see the type's
    /// remarks); everything else relies on the context's scope.
    /// </summary>
    public static IQueryable<T> AcrossTenants<T>(this IQueryable<T> query)
        where T : class => query.IgnoreQueryFilters([FilterName]);

    /// <summary>
    /// The property that says which tenant a row of this entity type belongs to: <c>TenantId</c>, or the id of
    /// <see cref="Tenant"/>; null for the few tables that belong to no tenant (the token signing key).
    /// </summary>
    public static IReadOnlyProperty? TenantProperty(IReadOnlyEntityType entityType) =>
        entityType.ClrType == typeof(Tenant)
            ? entityType.FindProperty(nameof(Tenant.Id))
            : entityType.FindProperty("TenantId") is { ClrType: var type } property && type == typeof(Guid) ? property : null;

    /// <summary>Adds the tenant filter to every tenant-owned entity type of the model (owned types go with their owner).</summary>
    internal static void ApplyFilters(ModelBuilder modelBuilder, SkuldDb context)
    {
        foreach (var entityType in modelBuilder.Model.GetEntityTypes().Where(e => !e.IsOwned() && e.BaseType is null))
        {
            if (TenantProperty(entityType) is not { } property)
            {
                continue;
            }

            // row => (Guid?)row.TenantId == context.ScopedTenantId. EF Core recognises the context constant and
            // reads the property of the context running the query; null (no scope) matches no row.
            var row = Expression.Parameter(entityType.ClrType, "row");
            var filter = Expression.Lambda(
                Expression.Equal(
                    Expression.Convert(Expression.Property(row, property.Name), typeof(Guid?)),
                    Expression.Property(Expression.Constant(context), nameof(SkuldDb.ScopedTenantId))),
                row);
            modelBuilder.Entity(entityType.ClrType).HasQueryFilter(FilterName, filter);
        }
    }

    /// <summary>Throws when the context would write a row outside its scope (every row, when it has none).</summary>
    internal static void CheckWrites(SkuldDb db)
    {
        if (db.SeesAllTenants)
        {
            return;
        }

        foreach (var entry in db.ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted)
                || TenantProperty(entry.Metadata) is not { } property)
            {
                continue;
            }

            var tenantId = entry.Property(property.Name).CurrentValue;
            if (db.ScopedTenantId is not { } scope || !scope.Equals(tenantId))
            {
                throw new InvalidOperationException(
                    $"A {entry.Metadata.ClrType.Name} of tenant {tenantId} cannot be saved by a context "
                    + (db.ScopedTenantId is { } s ? $"scoped to tenant {s}." : "with no tenant scope."));
            }
        }
    }
}
