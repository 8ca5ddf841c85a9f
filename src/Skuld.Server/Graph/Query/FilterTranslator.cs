using System.Linq.Expressions;
using System.Reflection;
using Microsoft.OData.UriParser;
using Skuld.Store;

namespace Skuld.Server.Graph.Query;

/// <summary>A <c>$filter</c> as an EF predicate, and whether Graph counts it as an advanced query.</summary>
public sealed record FilterTranslation<TEntity>(Expression<Func<TEntity, SkuldDb, bool>> Predicate, bool IsAdvanced);

/// <summary>
/// Translates the OData library's semantic tree of a <c>$filter</c> into an expression EF turns into
/// SQL on every provider. Values only ever become SQL parameters; strings are compared upper-cased on
/// both sides because Graph compares case-insensitively and neither SQLite nor PostgreSQL does by
/// default. Anything the tree holds that isn't handled here is Graph's "Unsupported Query.".
/// </summary>
public sealed class FilterTranslator<TEntity>
{
    private static readonly MethodInfo ToUpper = typeof(string).GetMethod(nameof(string.ToUpper), Type.EmptyTypes)!; // Why '!': BCL method.
    private static readonly MethodInfo StartsWith = typeof(string).GetMethod(nameof(string.StartsWith), [typeof(string)])!; // Why '!': BCL method.
    private static readonly MethodInfo EndsWith = typeof(string).GetMethod(nameof(string.EndsWith), [typeof(string)])!; // Why '!': BCL method.

    private readonly QueryResource<TEntity> resource;
    private readonly ParameterExpression entity = Expression.Parameter(typeof(TEntity), "e");
    private readonly ParameterExpression db = Expression.Parameter(typeof(SkuldDb), "db");
    private readonly Dictionary<string, Expression> lambdaVariables = new(StringComparer.Ordinal);
    /// <summary>Range variables over a complex collection matched as text (<see cref="QueryResource{TEntity}.TextMatches"/>), with the collection's name.</summary>
    private readonly Dictionary<string, string> elementVariables = new(StringComparer.Ordinal);
    private readonly HashSet<Expression> upperCased = [];
    private bool advanced;

    private int depth;

    public FilterTranslator(QueryResource<TEntity> resource) => this.resource = resource;

    /// <summary>Deeper trees are refused: EF walks the result recursively, and a stack overflow can't be caught.</summary>
    public const int MaxDepth = 100;

    /// <summary>Translates one filter; use a new translator for each.</summary>
    public QueryResult<FilterTranslation<TEntity>> Translate(FilterClause filter)
    {
        try
        {
            var body = Predicate(filter.Expression);
            return new FilterTranslation<TEntity>(Expression.Lambda<Func<TEntity, SkuldDb, bool>>(body, entity, db), advanced);
        }
        catch (Rejected rejected)
        {
            return rejected.Error;
        }
    }

    private Expression Predicate(QueryNode node)
    {
        if (++depth > MaxDepth)
        {
            throw Unsupported();
        }

        var predicate = PredicateOf(node);
        depth--;
        return predicate;
    }

    private Expression PredicateOf(QueryNode node) => node switch
    {
        BinaryOperatorNode { OperatorKind: BinaryOperatorKind.And } b => Expression.AndAlso(Predicate(b.Left), Predicate(b.Right)),
        BinaryOperatorNode { OperatorKind: BinaryOperatorKind.Or } b => Expression.OrElse(Predicate(b.Left), Predicate(b.Right)),
        BinaryOperatorNode b => Comparison(b),
        UnaryOperatorNode { OperatorKind: UnaryOperatorKind.Not } u => Advanced(Expression.Not(Predicate(u.Operand))),
        ConvertNode c => Predicate(c.Source),
        SingleValueFunctionCallNode f => Function(f),
        AnyNode a => Any(a),
        InNode i => In(i),
        ConstantNode { Value: bool value } => Expression.Constant(value),
        SingleValuePropertyAccessNode p when Operand(p) is { Type: var t } access && t == typeof(bool) => access,
        _ => throw Unsupported(),
    };

    private Expression Comparison(BinaryOperatorNode node)
    {
        var (left, right, kind) = (Unwrap(node.Left), Unwrap(node.Right), node.OperatorKind);
        if (left is ConstantNode && right is not ConstantNode)
        {
            // '2024-01-01T00:00:00Z le activityDateTime' reads the same as 'activityDateTime ge …'.
            (left, right, kind) = (right, left, kind switch
            {
                BinaryOperatorKind.GreaterThan => BinaryOperatorKind.LessThan,
                BinaryOperatorKind.GreaterThanOrEqual => BinaryOperatorKind.LessThanOrEqual,
                BinaryOperatorKind.LessThan => BinaryOperatorKind.GreaterThan,
                BinaryOperatorKind.LessThanOrEqual => BinaryOperatorKind.GreaterThanOrEqual,
                _ => kind,
            });
        }

        var equality = kind is BinaryOperatorKind.Equal or BinaryOperatorKind.NotEqual;
        if (right is not ConstantNode constant)
        {
            throw Unsupported();
        }

        if (left is CountNode count && equality)
        {
            return CountComparison(count, constant, kind);
        }

        if (TextMatchOf(left) is { } match)
        {
            var matched = equality && constant.Value is string text ? match(new TextMatch(text, Prefix: false)) : throw Unsupported();
            return kind == BinaryOperatorKind.Equal ? matched : Advanced(Expression.Not(matched));
        }

        var access = Operand(left);
        if (access.Type == typeof(DateTimeOffset))
        {
            return Ordered(access, constant.Value, kind);
        }

        if (!equality)
        {
            throw Unsupported();
        }

        var equal = Equal(access, constant.Value);
        return kind == BinaryOperatorKind.Equal ? equal : Advanced(Expression.Not(equal));
    }

    /// <summary>A date-time compared with a date-time literal: eq, ne (advanced), gt, ge, lt, le.</summary>
    private BinaryExpression Ordered(Expression access, object? value, BinaryOperatorKind kind)
    {
        if (value is not DateTimeOffset at)
        {
            throw Unsupported();
        }

        var bound = Splice.Parameter(at);
        return kind switch
        {
            BinaryOperatorKind.Equal => Expression.Equal(access, bound),
            BinaryOperatorKind.NotEqual => Advanced(Expression.NotEqual(access, bound)),
            BinaryOperatorKind.GreaterThan => Expression.GreaterThan(access, bound),
            BinaryOperatorKind.GreaterThanOrEqual => Expression.GreaterThanOrEqual(access, bound),
            BinaryOperatorKind.LessThan => Expression.LessThan(access, bound),
            BinaryOperatorKind.LessThanOrEqual => Expression.LessThanOrEqual(access, bound),
            _ => throw Unsupported(),
        };
    }

    /// <summary><c>access eq value</c> by the accessed type; a null string matches only when asked for.</summary>
    private BinaryExpression Equal(Expression access, object? value)
    {
        if (access.Type == typeof(string))
        {
            return value switch
            {
                null => Expression.Equal(access, Expression.Constant(null, typeof(string))),
                string text => Expression.AndAlso(
                    Expression.NotEqual(access, Expression.Constant(null, typeof(string))),
                    Folded(access, text, Expression.Equal)),
                _ => throw Unsupported(),
            };
        }

        if (access.Type == typeof(bool) && value is bool flag)
        {
            return Expression.Equal(access, Splice.Parameter(flag));
        }

        if (access.Type == typeof(Guid) || access.Type == typeof(Guid?))
        {
            return value switch
            {
                // Only an optional id (initiatedBy/user/id) can be null.
                null when access.Type == typeof(Guid?) => Expression.Equal(access, Expression.Constant(null, typeof(Guid?))),
                Guid guid => Expression.Equal(access, GuidParameter(access.Type, guid)),
                // Graph's ids are strings on the wire; one that isn't a GUID can't name an object.
                string text when Guid.TryParse(text, out var id) => Expression.Equal(access, GuidParameter(access.Type, id)),
                string text => throw new Rejected(GraphError.BadRequest($"Invalid object identifier '{text}'.")),
                _ => throw Unsupported(),
            };
        }

        throw Unsupported();
    }

    private static Expression GuidParameter(Type type, Guid value) =>
        type == typeof(Guid) ? Splice.Parameter(value) : Splice.Parameter<Guid?>(value);

    private Expression CountComparison(CountNode count, ConstantNode constant, BinaryOperatorKind kind)
    {
        // Graph supports only "/$count eq 0" and "/$count ne 0", and only as an advanced query.
        if (constant.Value is not (0 or 0L))
        {
            throw Unsupported();
        }

        advanced = true;
        var any = count.Source switch
        {
            CollectionComplexNode { Property.Name: "assignedLicenses" } c when IsRoot(c.Source) => HoldsLicense(_ => true),
            CollectionPropertyAccessNode c when IsRoot(c.Source) && RootProperty(c.Property.Name) is { } access && IsStringList(access.Type) =>
                Expression.Call(typeof(Enumerable), nameof(Enumerable.Any), [typeof(string)], access),
            _ => throw Unsupported(),
        };
        return kind == BinaryOperatorKind.Equal ? Expression.Not(any) : any;
    }

    private Expression Function(SingleValueFunctionCallNode node)
    {
        var method = node.Name.ToLowerInvariant() switch
        {
            "startswith" => StartsWith,
            "endswith" => Advanced(EndsWith),
            _ => throw Unsupported(),
        };
        var arguments = node.Parameters.Select(Unwrap).ToArray();
        if (arguments is [var matched, ConstantNode { Value: string start }] && TextMatchOf(matched) is { } match)
        {
            return method == StartsWith ? match(new TextMatch(start, Prefix: true)) : throw Unsupported();
        }

        if (arguments is not [var target, ConstantNode { Value: string prefix }] || Operand(target) is not { } access || access.Type != typeof(string))
        {
            throw Unsupported();
        }

        return Expression.AndAlso(
            Expression.NotEqual(access, Expression.Constant(null, typeof(string))),
            Folded(access, prefix, (upper, value) => Expression.Call(upper, method, value)));
    }

    private Expression Any(AnyNode node)
    {
        // any() without a lambda has no range variable; Graph documents only the lambda form.
        var name = node.CurrentRangeVariable?.Name ?? throw Unsupported();
        if (node.Source is CollectionComplexNode { Property.Name: "assignedLicenses" } licenses && IsRoot(licenses.Source))
        {
            var sku = Expression.Parameter(typeof(Guid), name);
            var body = InLambda(name, sku, node.Body);
            return HoldsLicense(Expression.Lambda<Func<Guid, bool>>(body, sku));
        }

        if (node.Source is CollectionComplexNode elements && IsRoot(elements.Source)
            && resource.TextMatches.Keys.Any(path => path.StartsWith(elements.Property.Name + "/", StringComparison.Ordinal)))
        {
            elementVariables.Add(name, elements.Property.Name);
            try
            {
                return OnlyElementAlternatives(node.Body, name) ? Predicate(node.Body) : throw Unsupported();
            }
            finally
            {
                elementVariables.Remove(name);
            }
        }

        if (node.Source is CollectionPropertyAccessNode indexed && IsRoot(indexed.Source)
            && resource.StringListMatches.TryGetValue(indexed.Property.Name, out var listMatch)
            && ListAlternatives(node.Body, name, listMatch) is { } matched)
        {
            return matched;
        }

        if (node.Source is CollectionPropertyAccessNode values && IsRoot(values.Source)
            && RootProperty(values.Property.Name) is { } access && IsStringList(access.Type))
        {
            var value = Expression.Parameter(typeof(string), name);
            var body = InLambda(name, value, node.Body);
            return Expression.Call(typeof(Enumerable), nameof(Enumerable.Any), [typeof(string)], access, Expression.Lambda<Func<string, bool>>(body, value));
        }

        throw Unsupported();
    }

    /// <summary>
    /// Whether a lambda body over a text-matched collection is only <c>eq</c> / <c>startsWith</c> on the
    /// element, joined by <c>or</c>: the one shape whose meaning survives deciding each test on its own.
    /// </summary>
    private bool OnlyElementAlternatives(QueryNode node, string variable) => Unwrap(node) switch
    {
        BinaryOperatorNode { OperatorKind: BinaryOperatorKind.Or } or =>
            OnlyElementAlternatives(or.Left, variable) && OnlyElementAlternatives(or.Right, variable),
        BinaryOperatorNode { OperatorKind: BinaryOperatorKind.Equal } eq =>
            IsElementProperty(Unwrap(eq.Left), variable) || IsElementProperty(Unwrap(eq.Right), variable),
        SingleValueFunctionCallNode f when f.Name.Equals("startswith", StringComparison.OrdinalIgnoreCase) =>
            f.Parameters.Select(Unwrap).FirstOrDefault() is { } target && IsElementProperty(target, variable),
        _ => false,
    };

    /// <summary>
    /// A lambda body over a string collection that is only <c>x eq 'text'</c> / <c>startsWith(x, 'text')</c>
    /// alternatives, as the resource's indexed predicate per alternative; null for any other shape.
    /// </summary>
    private Expression? ListAlternatives(QueryNode node, string variable, Func<TextMatch, Expression<Func<TEntity, SkuldDb, bool>>> match)
    {
        var matched = Unwrap(node) switch
        {
            BinaryOperatorNode { OperatorKind: BinaryOperatorKind.Or } or =>
                ListAlternatives(or.Left, variable, match) is { } left && ListAlternatives(or.Right, variable, match) is { } right
                    ? Expression.OrElse(left, right)
                    : null,
            BinaryOperatorNode { OperatorKind: BinaryOperatorKind.Equal } eq => (Unwrap(eq.Left), Unwrap(eq.Right)) switch
            {
                (NonResourceRangeVariableReferenceNode v, ConstantNode { Value: string text }) when v.Name == variable => Match(text, prefix: false),
                (ConstantNode { Value: string text }, NonResourceRangeVariableReferenceNode v) when v.Name == variable => Match(text, prefix: false),
                _ => null,
            },
            SingleValueFunctionCallNode f when f.Name.Equals("startswith", StringComparison.OrdinalIgnoreCase)
                && f.Parameters.Select(Unwrap).ToArray() is [NonResourceRangeVariableReferenceNode v, ConstantNode { Value: string start }]
                && v.Name == variable => Match(start, prefix: true),
            _ => null,
        };
        return matched;

        Expression Match(string text, bool prefix) => Splice.Apply(match(new TextMatch(text, prefix)), entity, db);
    }

    private static bool IsElementProperty(QueryNode node, string variable) =>
        node is SingleValuePropertyAccessNode { Source: ResourceRangeVariableReferenceNode r } && r.Name == variable;

    /// <summary>The predicate builder of a property matched as text, or null when it is an ordinary one.</summary>
    private Func<TextMatch, Expression>? TextMatchOf(QueryNode node) =>
        node is SingleValuePropertyAccessNode property && PathOf(property) is { } path
        && resource.TextMatches.TryGetValue(path, out var match)
            ? text => Splice.Apply(match(text), entity)
            : null;

    /// <summary>
    /// The Graph path of a property: <c>initiatedBy/user/id</c> from the root, or
    /// <c>targetResources/id</c> from a lambda variable over that collection; null otherwise.
    /// </summary>
    private string? PathOf(SingleValuePropertyAccessNode node)
    {
        var (path, source) = Walk(node);
        if (IsRoot(source))
        {
            return path;
        }

        return source is ResourceRangeVariableReferenceNode r && elementVariables.TryGetValue(r.Name, out var collection)
            ? collection + "/" + path
            : null;
    }

    /// <summary>The path through single complex values down to the node the access starts from.</summary>
    private static (string Path, QueryNode? Source) Walk(SingleValuePropertyAccessNode node)
    {
        var path = node.Property.Name;
        var source = node.Source;
        while (source is SingleComplexNode complex)
        {
            path = complex.Property.Name + "/" + path;
            source = complex.Source;
        }

        return (path, source);
    }

    private Expression In(InNode node)
    {
        if (Operand(Unwrap(node.Left)) is not { } access || node.Right is not CollectionConstantNode list)
        {
            throw Unsupported();
        }

        var values = list.Collection.Select(c => c.Value).ToArray();
        return values.Length == 0
            ? Expression.Constant(false)
            : values.Select(v => Equal(access, v)).Aggregate(Expression.OrElse);
    }

    private Expression InLambda(string variable, Expression element, SingleValueNode body)
    {
        lambdaVariables.Add(variable, element);
        try
        {
            return Predicate(body);
        }
        finally
        {
            lambdaVariables.Remove(variable);
        }
    }

    private Expression HoldsLicense(Expression<Func<Guid, bool>> sku) =>
        resource.AssignedLicensesAny is { } any ? Splice.Apply(any(sku), entity, db) : throw Unsupported();

    /// <summary>The value a node reads: a property of the entity, a lambda variable, or a property of one.</summary>
    private Expression Operand(QueryNode node) => node switch
    {
        SingleValuePropertyAccessNode { Source: ResourceRangeVariableReferenceNode r } p when lambdaVariables.TryGetValue(r.Name, out var element) =>
            // assignedLicenses/any(x: x/skuId ...) is bound to the SKU id; disabledPlans isn't filterable.
            p.Property.Name == "skuId" && element.Type == typeof(Guid) ? element : throw Unsupported(),
        SingleValuePropertyAccessNode p when IsRoot(p.Source) => RootProperty(p.Property.Name) ?? throw Unsupported(),
        // A property of a single complex value (initiatedBy/user/id) is filterable under its path.
        SingleValuePropertyAccessNode { Source: SingleComplexNode } p when Walk(p) is (var path, var source) && IsRoot(source) =>
            RootProperty(path) ?? throw Unsupported(),
        NonResourceRangeVariableReferenceNode v when lambdaVariables.TryGetValue(v.Name, out var element) => element,
        _ => throw Unsupported(),
    };

    private Expression? RootProperty(string name)
    {
        if (resource.UpperCaseKeys.TryGetValue(name, out var key))
        {
            var column = Splice.Apply(key, entity);
            upperCased.Add(column);
            return column;
        }

        // An accessor may take the context as its second parameter, for a property computed from other tables.
        return resource.Filterable.TryGetValue(name, out var access) ? Splice.Apply(access, entity, db) : null;
    }

    /// <summary>
    /// <paramref name="compare"/> applied to the upper-cased column and <paramref name="text"/> in the same
    /// case. A key column was upper-cased by .NET, so the text gets .NET's upper case. Any other column is
    /// upper-cased by the database, whose upper() may fold only ASCII letters (SQLite; PostgreSQL under the
    /// C locale) or all of them (PostgreSQL under a UTF-8 locale): non-ASCII text is compared both ways.
    /// Text holding NUL matches nothing: no stored value holds one, and PostgreSQL refuses it as a parameter.
    /// </summary>
    private Expression Folded(Expression access, string text, Func<Expression, Expression, Expression> compare)
    {
        if (text.Contains('\0', StringComparison.Ordinal))
        {
            return Expression.Constant(false);
        }

        var upper = Upper(access);
        var full = text.ToUpperInvariant();
        if (upperCased.Contains(access))
        {
            return compare(upper, Splice.Parameter(full));
        }

        var ascii = string.Create(text.Length, text, (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = char.IsAsciiLetterLower(source[i]) ? char.ToUpperInvariant(source[i]) : source[i];
            }
        });
        var byAscii = compare(upper, Splice.Parameter(ascii));
        return ascii == full ? byAscii : Expression.OrElse(byAscii, compare(upper, Splice.Parameter(full)));
    }

    private Expression Upper(Expression access) => upperCased.Contains(access) ? access : Expression.Call(access, ToUpper);

    private bool IsRoot(QueryNode? node) =>
        node is ResourceRangeVariableReferenceNode r && !lambdaVariables.ContainsKey(r.Name) && r.Name == "$it";

    private static bool IsStringList(Type type) => typeof(IEnumerable<string>).IsAssignableFrom(type) && type != typeof(string);

    private static QueryNode Unwrap(QueryNode node) => node is ConvertNode c ? Unwrap(c.Source) : node;

    private T Advanced<T>(T value)
    {
        advanced = true;
        return value;
    }

    private static Rejected Unsupported() => new(GraphError.UnsupportedQuery());

    /// <summary>
    /// Unwinds the recursive descent to <see cref="Translate"/>, where it becomes a value; it never
    /// leaves this class.
    /// </summary>
    private sealed class Rejected(GraphError error) : Exception(error.Message)
    {
        public GraphError Error { get; } = error;
    }
}
