using System.Globalization;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.OData;
using Microsoft.OData.Edm;
using Microsoft.OData.UriParser;

namespace Skuld.Server.Graph.Query;

/// <summary>
/// Reads a Graph collection request's query options and headers into a <see cref="CollectionQuery{TEntity}"/>,
/// or the error Graph answers. <c>$filter</c>, <c>$select</c> and <c>$orderby</c> are parsed by the
/// OData library against <see cref="GraphModel"/>; Graph's own rules (advanced queries, page sizes,
/// what it doesn't support) are applied here. Messages follow reference §1.10.
/// </summary>
public static class CollectionQueryParser
{
    public const string CountNotSupported = "$count is not currently supported.";
    public const string SearchNeedsEventual =
        "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'";
    public const string SortingNotSupported = "Sorting not supported for current query.";
    public const string InvalidPagingToken = "Invalid paging token.";
    public const int MaxTop = 999;
    public const int DefaultTop = 100;

    private static readonly HashSet<string> Supported = ["$filter", "$select", "$top", "$skiptoken", "$count", "$orderby"];

    public static QueryResult<CollectionQuery<TEntity>> Parse<TEntity>(HttpRequest request, QueryResource<TEntity> resource)
    {
        var eventual = request.Headers["ConsistencyLevel"].Any(v => string.Equals(v?.Trim(), "eventual", StringComparison.OrdinalIgnoreCase));
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, values) in request.Query)
        {
            // Graph ignores query parameters that aren't system query options.
            if (!key.StartsWith('$'))
            {
                continue;
            }

            var name = key.ToLowerInvariant();
            if (values.Count > 1)
            {
                return GraphError.BadRequest($"Query option '{name}' was specified more than once, but it must be specified at most once.");
            }

            if (name == "$search")
            {
                return eventual ? GraphError.UnsupportedQuery() : GraphError.UnsupportedQuery(SearchNeedsEventual);
            }

            if (!Supported.Contains(name))
            {
                return GraphError.BadRequest($"'{key}' is not supported by the service.");
            }

            options[name] = values.ToString();
        }

        var count = false;
        if (options.TryGetValue("$count", out var countText) && !bool.TryParse(countText, out count))
        {
            return GraphError.BadRequest($"'{countText}' is not a valid count option.");
        }

        if (count && !eventual)
        {
            return GraphError.BadRequest(CountNotSupported);
        }

        var top = DefaultTop;
        if (options.TryGetValue("$top", out var topText)
            && (!int.TryParse(topText, NumberStyles.None, CultureInfo.InvariantCulture, out top) || top is < 1 or > MaxTop))
        {
            return GraphError.BadRequest($"Invalid page size specified: '{topText}'. Must be between 1 and {MaxTop} inclusive.");
        }

        var parser = new ODataQueryOptionParser(GraphModel.Model, resource.EntitySet.EntityType, resource.EntitySet, options)
        {
            Resolver = new ODataUriResolver { EnableCaseInsensitive = true },
        };

        var selection = Select(parser, resource);
        if (selection.Error is { } selectError)
        {
            return selectError;
        }

        FilterClause? filter = null;
        FilterTranslation<TEntity>? translation = null;
        if (options.ContainsKey("$filter"))
        {
            try
            {
                filter = parser.ParseFilter();
            }
            catch (ODataException e)
            {
                return GraphError.BadRequest(FilterMessage(e.Message));
            }

            if (filter is not null)
            {
                var translated = new FilterTranslator<TEntity>(resource).Translate(filter);
                if (translated.Error is { } filterError)
                {
                    return filterError;
                }

                translation = translated.Value;
            }
        }

        var orderBy = OrderBy(parser, resource, options.ContainsKey("$orderby"));
        if (orderBy.Error is { } orderError)
        {
            return orderError;
        }

        // Advanced queries need both the header and $count=true (reference §1.10); collections
        // without advanced queries have no way to unlock those operators.
        if (resource.HasAdvancedQueries)
        {
            var advanced = translation is { IsAdvanced: true } || (translation is not null && orderBy.Value is not null);
            if (advanced && !(eventual && count))
            {
                return GraphError.UnsupportedQuery();
            }
        }
        else if (translation is { IsAdvanced: true })
        {
            return GraphError.UnsupportedQuery();
        }

        var order = orderBy.Value ?? resource.DefaultOrderBy;
        PageToken? after = null;
        if (options.TryGetValue("$skiptoken", out var token))
        {
            after = PageToken.Decode(token);
            if (after is null || after.SortProperty != order?.Property
                || (order is not null && resource.SortableTimes.ContainsKey(order.Property) && PageToken.Ticks(after) is null))
            {
                return GraphError.BadRequest(InvalidPagingToken);
            }
        }

        return new CollectionQuery<TEntity>
        {
            Resource = resource,
            Filter = filter,
            Translation = translation,
            Selection = selection.Value!, // Why '!': Select returns a value whenever it returns no error.
            Top = top,
            OrderBy = order,
            After = after,
            Count = count,
            NextLinkBase = NextLinkBase(request),
        };
    }

    private static QueryResult<Selection> Select<TEntity>(ODataQueryOptionParser parser, QueryResource<TEntity> resource)
    {
        SelectExpandClause? clause;
        try
        {
            clause = parser.ParseSelectAndExpand();
        }
        catch (ODataException e)
        {
            return GraphError.BadRequest(e.Message);
        }

        if (clause is null || clause.AllSelected)
        {
            return new Selection(resource.DefaultSelect);
        }

        var names = new List<string>();
        foreach (var item in clause.SelectedItems)
        {
            IEnumerable<string> selected = item switch
            {
                WildcardSelectItem => resource.EntitySet.EntityType.StructuralProperties().Select(p => p.Name),
                // assignedLicenses/skuId selects the whole property: directory objects have no partial select.
                PathSelectItem { SelectedPath.FirstSegment: PropertySegment p } => [p.Property.Name],
                _ => [],
            };
            names.AddRange(selected.Where(n => !names.Contains(n)));
        }

        return names.Count == 0 ? GraphError.UnsupportedQuery() : new Selection(names);
    }

    private static QueryResult<SortOrder?> OrderBy<TEntity>(ODataQueryOptionParser parser, QueryResource<TEntity> resource, bool present)
    {
        if (!present)
        {
            return (SortOrder?)null;
        }

        OrderByClause? clause;
        try
        {
            clause = parser.ParseOrderBy();
        }
        catch (ODataException e)
        {
            return GraphError.BadRequest(e.Message);
        }

        if (clause is null)
        {
            return (SortOrder?)null;
        }

        if (clause.ThenBy is not null
            || clause.Expression is not SingleValuePropertyAccessNode { Source: ResourceRangeVariableReferenceNode { Name: "$it" } } property
            || !(resource.Sortable.ContainsKey(property.Property.Name) || resource.SortableTimes.ContainsKey(property.Property.Name)))
        {
            return GraphError.UnsupportedQuery(SortingNotSupported);
        }

        return new SortOrder(property.Property.Name, clause.Direction == OrderByDirection.Descending);
    }

    /// <summary>
    /// Graph prefixes the parser's complaints with "Invalid filter clause", except for an unknown
    /// property, which reads the same as in <c>$select</c>.
    /// </summary>
    private static string FilterMessage(string parserMessage) =>
        parserMessage.StartsWith("Could not find a property named", StringComparison.Ordinal)
            ? parserMessage
            : $"Invalid filter clause: {parserMessage}";

    /// <summary>The request URL with every option but <c>$skiptoken</c>, kept as the client encoded it.</summary>
    private static string NextLinkBase(HttpRequest request)
    {
        var url = UriHelper.BuildAbsolute(request.Scheme, request.Host, request.PathBase, request.Path);
        var kept = (request.QueryString.Value ?? "").TrimStart('?')
            .Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Where(pair => !string.Equals(Uri.UnescapeDataString(pair.Split('=')[0]), "$skiptoken", StringComparison.OrdinalIgnoreCase));
        return $"{url}?{string.Concat(kept.Select(pair => pair + "&"))}";
    }
}
