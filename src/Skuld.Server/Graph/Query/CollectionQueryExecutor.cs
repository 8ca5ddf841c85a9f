using System.Linq.Expressions;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Skuld.Store;

namespace Skuld.Server.Graph.Query;

/// <summary>One page of a Graph collection: the entities, <c>@odata.count</c> and <c>@odata.nextLink</c>.</summary>
public sealed record Page<TEntity>(IReadOnlyList<TEntity> Items, long? Count, string? NextLink);

/// <summary>Runs a <see cref="CollectionQuery{TEntity}"/> as one or two SQL statements (page, and count when asked).</summary>
public static class CollectionQueryExecutor
{
    private static readonly MethodInfo StringCompare = typeof(string).GetMethod(nameof(string.Compare), [typeof(string), typeof(string)])!; // Why '!': BCL method.
    private static readonly MethodInfo GuidCompareTo = typeof(Guid).GetMethod(nameof(Guid.CompareTo), [typeof(Guid)])!; // Why '!': BCL method.
    private static readonly MethodInfo ToUpper = typeof(string).GetMethod(nameof(string.ToUpper), Type.EmptyTypes)!; // Why '!': BCL method.

    /// <param name="scoped">The collection already restricted to the caller's tenant.</param>
    public static async Task<Page<TEntity>> ExecuteAsync<TEntity>(
        CollectionQuery<TEntity> query, IQueryable<TEntity> scoped, SkuldDb db, CancellationToken cancellationToken)
    {
        var filtered = Filter(query, scoped, db);

        // @odata.count is on the first page only (reference §1.10).
        long? count = query.Count && query.After is null ? await filtered.LongCountAsync(cancellationToken) : null;

        var resource = query.Resource;
        if (query.OrderBy is { } timeSort && resource.SortableTimes.TryGetValue(timeSort.Property, out var time))
        {
            var (items, next) = await PageByTimeAsync(query, filtered, time, timeSort, cancellationToken);
            return new Page<TEntity>(items, count, next);
        }

        var entity = Expression.Parameter(typeof(TEntity), "e");
        var id = Splice.Apply(resource.Id, entity);
        Expression key = query.OrderBy is { } sort
            ? Expression.Call(Splice.Apply(resource.Sortable[sort.Property], entity), ToUpper)
            : Expression.Constant(null, typeof(string));
        var descending = query.OrderBy?.Descending ?? false;

        if (query.After is { } after)
        {
            Expression afterId = Compare(Expression.Call(id, GuidCompareTo, Splice.Parameter(after.LastId)), descending);
            if (query.OrderBy is not null)
            {
                var lastKey = Splice.Parameter(after.LastSortKey);
                afterId = Expression.OrElse(
                    Compare(Expression.Call(StringCompare, key, lastKey), descending),
                    Expression.AndAlso(Expression.Equal(key, lastKey), afterId));
            }

            filtered = filtered.Where(Expression.Lambda<Func<TEntity, bool>>(afterId, entity));
        }

        var keyed = filtered.Select(Expression.Lambda<Func<TEntity, Keyed<TEntity>>>(
            Expression.MemberInit(
                Expression.New(typeof(Keyed<TEntity>)),
                Expression.Bind(typeof(Keyed<TEntity>).GetProperty(nameof(Keyed<TEntity>.Entity))!, entity), // Why '!': declared below.
                Expression.Bind(typeof(Keyed<TEntity>).GetProperty(nameof(Keyed<TEntity>.Key))!, key)), // Why '!': declared below.
            entity));
        var ordered = descending
            ? keyed.OrderByDescending(k => k.Key).ThenByDescending(IdOf(resource))
            : keyed.OrderBy(k => k.Key).ThenBy(IdOf(resource));
        var rows = await ordered.Take(query.Top + 1).ToListAsync(cancellationToken);

        string? nextLink = null;
        if (rows.Count > query.Top)
        {
            var last = rows[query.Top - 1];
            var token = new PageToken(resource.Id.Compile()(last.Entity), query.OrderBy?.Property, last.Key);
            nextLink = query.NextLinkBase + "$skiptoken=" + token.Encode();
        }

        return new Page<TEntity>([.. rows.Take(query.Top).Select(r => r.Entity)], count, nextLink);
    }

    /// <summary>The query's <c>$filter</c> applied to <paramref name="scoped"/>, unsorted and unpaged (e.g. for <c>/users/$count</c>).</summary>
    public static IQueryable<TEntity> Filter<TEntity>(CollectionQuery<TEntity> query, IQueryable<TEntity> scoped, SkuldDb db)
    {
        if (query.Translation is not { } translation)
        {
            return scoped;
        }

        var e = Expression.Parameter(typeof(TEntity), "e");
        return scoped.Where(Expression.Lambda<Func<TEntity, bool>>(Splice.Apply(translation.Predicate, e, Splice.Parameter(db)), e));
    }

    /// <summary>
    /// A page sorted by a date-time, then by id: keyset paging on the instant itself, which every
    /// provider compares natively (SQLite stores it as UTC ticks, PostgreSQL as timestamptz).
    /// </summary>
    private static async Task<(IReadOnlyList<TEntity> Items, string? NextLink)> PageByTimeAsync<TEntity>(
        CollectionQuery<TEntity> query, IQueryable<TEntity> filtered, Expression<Func<TEntity, DateTimeOffset>> time,
        SortOrder sort, CancellationToken cancellationToken)
    {
        var resource = query.Resource;
        if (query.After is { } after)
        {
            // The parser accepts a token for a date-time sort only when its key is ticks.
            var lastTime = Splice.Parameter(PageToken.Ticks(after) ?? throw new InvalidOperationException("Unchecked paging token."));
            var entity = Expression.Parameter(typeof(TEntity), "e");
            var at = Splice.Apply(time, entity);
            Expression beyond = sort.Descending ? Expression.LessThan(at, lastTime) : Expression.GreaterThan(at, lastTime);
            Expression afterId = Compare(Expression.Call(Splice.Apply(resource.Id, entity), GuidCompareTo, Splice.Parameter(after.LastId)), sort.Descending);
            filtered = filtered.Where(Expression.Lambda<Func<TEntity, bool>>(
                Expression.OrElse(beyond, Expression.AndAlso(Expression.Equal(at, lastTime), afterId)), entity));
        }

        var ordered = sort.Descending
            ? filtered.OrderByDescending(time).ThenByDescending(resource.Id)
            : filtered.OrderBy(time).ThenBy(resource.Id);
        var rows = await ordered.Take(query.Top + 1).ToListAsync(cancellationToken);
        if (rows.Count <= query.Top)
        {
            return (rows, null);
        }

        var last = rows[query.Top - 1];
        var ticks = time.Compile()(last).UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var token = new PageToken(resource.Id.Compile()(last), sort.Property, ticks);
        return ([.. rows.Take(query.Top)], query.NextLinkBase + "$skiptoken=" + token.Encode());
    }

    /// <summary>After the last row in the page's direction: <c>compare &gt; 0</c>, or <c>&lt; 0</c> descending.</summary>
    private static BinaryExpression Compare(Expression comparison, bool descending) =>
        descending ? Expression.LessThan(comparison, Expression.Constant(0)) : Expression.GreaterThan(comparison, Expression.Constant(0));

    private static Expression<Func<Keyed<TEntity>, Guid>> IdOf<TEntity>(QueryResource<TEntity> resource)
    {
        var row = Expression.Parameter(typeof(Keyed<TEntity>), "k");
        return Expression.Lambda<Func<Keyed<TEntity>, Guid>>(
            Splice.Apply(resource.Id, Expression.Property(row, nameof(Keyed<TEntity>.Entity))), row);
    }

    /// <summary>A row with the sort key as the database computed it, so the next page starts exactly after it.</summary>
    private sealed class Keyed<TEntity>
    {
        public required TEntity Entity { get; init; }
        public string? Key { get; init; }
    }
}
