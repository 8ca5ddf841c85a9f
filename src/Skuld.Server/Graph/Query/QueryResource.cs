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

    /// <summary>
    /// Sortable date-time properties by Graph name, compared as instants (then by id). Both the
    /// executor and <c>$skiptoken</c> keep these typed, so no provider has to format a date as text.
    /// </summary>
    public IReadOnlyDictionary<string, Expression<Func<TEntity, DateTimeOffset>>> SortableTimes { get; init; } =
        new Dictionary<string, Expression<Func<TEntity, DateTimeOffset>>>();

    /// <summary>The order of a page without <c>$orderby</c>; null sorts by id alone.</summary>
    public SortOrder? DefaultOrderBy { get; init; }

    /// <summary>
    /// Whether Graph's advanced-query rules for directory objects apply (<c>ConsistencyLevel: eventual</c>
    /// plus <c>$count=true</c> unlock <c>ne</c>, <c>not</c>, <c>endsWith</c>, and <c>$filter</c> with
    /// <c>$orderby</c>). Collections outside the directory (audit logs) have none: those operators are
    /// unsupported there, and filtering and sorting combine freely.
    /// </summary>
    public bool HasAdvancedQueries { get; init; } = true;

    /// <summary>
    /// Filterable string properties that have no column of their own, by Graph path
    /// (<c>initiatedBy/user/userPrincipalName</c>, or <c>targetResources/id</c> for
    /// <c>targetResources/any(t: t/id eq …)</c>): given the value and whether it is a prefix
    /// (<c>startsWith</c>) or the whole value (<c>eq</c>), the predicate over the entity. Inside an
    /// <c>any</c> lambda only such comparisons joined by <c>or</c> are accepted, because each one is
    /// decided on its own and <c>and</c> would no longer mean "the same element".
    /// </summary>
    public IReadOnlyDictionary<string, Func<TextMatch, Expression<Func<TEntity, bool>>>> TextMatches { get; init; } =
        new Dictionary<string, Func<TextMatch, Expression<Func<TEntity, bool>>>>();

    /// <summary>
    /// String collections with an indexed side table (<c>proxyAddresses</c> → recipient addresses), by Graph name:
    /// <c>any(x: x eq …)</c> and <c>any(x: startsWith(x, …))</c>, alternatives joined by <c>or</c>, become this
    /// predicate per alternative instead of a scan of the column; any other lambda body reads the column.
    /// </summary>
    public IReadOnlyDictionary<string, Func<TextMatch, Expression<Func<TEntity, SkuldDb, bool>>>> StringListMatches { get; init; } =
        new Dictionary<string, Func<TextMatch, Expression<Func<TEntity, SkuldDb, bool>>>>();

    /// <summary>Graph's default projection when there is no <c>$select</c>.</summary>
    public required IReadOnlyList<string> DefaultSelect { get; init; }
}

/// <summary>A string comparison in a <c>$filter</c>: <c>eq</c> (<paramref name="Prefix"/> false) or <c>startsWith</c>.</summary>
public sealed record TextMatch(string Value, bool Prefix);
