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
            (left, right) = (right, left);
        }

        if (right is not ConstantNode constant || kind is not (BinaryOperatorKind.Equal or BinaryOperatorKind.NotEqual))
        {
            throw Unsupported();
        }

        if (left is CountNode count)
        {
            return CountComparison(count, constant, kind);
        }

        var equal = Equal(Operand(left), constant.Value);
        return kind == BinaryOperatorKind.Equal ? equal : Advanced(Expression.Not(equal));
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

        if (access.Type == typeof(Guid))
        {
            return value switch
            {
                Guid guid => Expression.Equal(access, Splice.Parameter(guid)),
                // Graph's ids are strings on the wire; one that isn't a GUID can't name an object.
                string text when Guid.TryParse(text, out var id) => Expression.Equal(access, Splice.Parameter(id)),
                string text => throw new Rejected(GraphError.BadRequest($"Invalid object identifier '{text}'.")),
                _ => throw Unsupported(),
            };
        }

        throw Unsupported();
    }

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

    private BinaryExpression Function(SingleValueFunctionCallNode node)
    {
        var method = node.Name.ToLowerInvariant() switch
        {
            "startswith" => StartsWith,
            "endswith" => Advanced(EndsWith),
            _ => throw Unsupported(),
        };
        var arguments = node.Parameters.Select(Unwrap).ToArray();
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

        if (node.Source is CollectionPropertyAccessNode values && IsRoot(values.Source)
            && RootProperty(values.Property.Name) is { } access && IsStringList(access.Type))
        {
            var value = Expression.Parameter(typeof(string), name);
            var body = InLambda(name, value, node.Body);
            return Expression.Call(typeof(Enumerable), nameof(Enumerable.Any), [typeof(string)], access, Expression.Lambda<Func<string, bool>>(body, value));
        }

        throw Unsupported();
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
