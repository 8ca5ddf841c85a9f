using Microsoft.OData.UriParser;

namespace Skuld.Server.Graph.Query;

/// <summary>The sort of a page: a Graph property, then the id to make the order total.</summary>
public sealed record SortOrder(string Property, bool Descending);

/// <summary>The validated query options of a request for a Graph collection.</summary>
public sealed record CollectionQuery<TEntity>
{
    public required QueryResource<TEntity> Resource { get; init; }
    public FilterClause? Filter { get; init; }
    public FilterTranslation<TEntity>? Translation { get; init; }
    public required Selection Selection { get; init; }
    public required int Top { get; init; }
    public SortOrder? OrderBy { get; init; }
    /// <summary>Where the previous page ended; null on the first page.</summary>
    public PageToken? After { get; init; }
    /// <summary><c>$count=true</c> (only allowed with <c>ConsistencyLevel: eventual</c>).</summary>
    public bool Count { get; init; }
    /// <summary>The request URL without <c>$skiptoken</c>, to which the next page's token is appended.</summary>
    public required string NextLinkBase { get; init; }
}
