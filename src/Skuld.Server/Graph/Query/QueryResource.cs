using System.Linq.Expressions;
using Microsoft.OData.Edm;
using Skuld.Store;

namespace Skuld.Server.Graph.Query;

/// <summary>
/// What a Graph collection (users now, groups next) exposes to <c>$filter</c>, <c>$orderby</c> and
/// <c>$select</c>, and how each Graph name maps onto the EF entity. The parser and translator are
/// generic over this, so a new collection is a new instance, not new parsing code.
/// </summary>
public sealed class QueryResource<TEntity>
{
    /// <summary>The Graph entity set, e.g. <c>users</c>.</summary>
    public required IEdmEntitySet EntitySet { get; init; }

    /// <summary>The entity's key, used for keyset paging.</summary>
    public required Expression<Func<TEntity, Guid>> Id { get; init; }

    /// <summary>
    /// Filterable properties by Graph name. The accessor's type decides the operators: <c>string</c>
    /// (case-insensitive eq, startsWith, endsWith, in), <c>bool</c>, <c>Guid</c> (Graph's string id),
    /// <c>List&lt;string&gt;</c> (any, $count). An accessor of <c>(TEntity, SkuldDb)</c> may read other
    /// tables (a group's <c>hasMembersWithLicenseErrors</c>).
    /// </summary>
    public required IReadOnlyDictionary<string, LambdaExpression> Filterable { get; init; }

    /// <summary>
    /// String properties with a column that already holds the value upper-cased (invariant): filters
    /// compare that column directly, so its index serves and non-ASCII letters match on SQLite too
    /// (whose <c>upper()</c> folds ASCII only). Overrides <see cref="Filterable"/> for those names.
    /// </summary>
    public IReadOnlyDictionary<string, Expression<Func<TEntity, string>>> UpperCaseKeys { get; init; } =
        new Dictionary<string, Expression<Func<TEntity, string>>>();

    /// <summary>
    /// <c>assignedLicenses/any(x: body)</c>: given the body as a predicate over the SKU id, the
    /// predicate over the entity. Null when the collection has no licenses.
    /// </summary>
    public Func<Expression<Func<Guid, bool>>, Expression<Func<TEntity, SkuldDb, bool>>>? AssignedLicensesAny { get; init; }

    /// <summary>Sortable properties by Graph name (sorted case-insensitively, then by id).</summary>
    public required IReadOnlyDictionary<string, Expression<Func<TEntity, string>>> Sortable { get; init; }

    /// <summary>Graph's default projection when there is no <c>$select</c>.</summary>
    public required IReadOnlyList<string> DefaultSelect { get; init; }
}
