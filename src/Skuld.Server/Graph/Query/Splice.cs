using System.Linq.Expressions;
using System.Reflection;

namespace Skuld.Server.Graph.Query;

/// <summary>
/// Composes expression trees the way EF needs them: by substitution, never by
/// <see cref="Expression.Invoke(Expression, Expression[])"/>, so every provider sees plain member
/// accesses it can translate.
/// </summary>
internal static class Splice
{
    private static readonly MethodInfo FillMethod = typeof(Splice).GetMethod(nameof(Fill))!; // Why '!': declared right below.

    /// <summary>A marker inside a template lambda: <see cref="Hole{T}"/> replaces it with a predicate.</summary>
    public static bool Fill(Guid value) => throw new InvalidOperationException("Splice.Fill only marks a hole in an expression template.");

    /// <summary>Replaces each <c>Fill(arg)</c> in <paramref name="template"/> with <paramref name="predicate"/> applied to arg.</summary>
    public static Expression<T> Hole<T>(Expression<T> template, Expression<Func<Guid, bool>> predicate) =>
        (Expression<T>)new HoleFiller(predicate).Visit(template);

    /// <summary>The body of <paramref name="lambda"/> with its parameters replaced by <paramref name="arguments"/>.</summary>
    public static Expression Apply(LambdaExpression lambda, params Expression[] arguments)
    {
        var map = lambda.Parameters.Zip(arguments).ToDictionary(p => p.First, p => p.Second);
        return new ParameterReplacer(map).Visit(lambda.Body);
    }

    /// <summary>A constant EF sends as a SQL parameter (it parameterises captured members, not constants).</summary>
    public static Expression Parameter<T>(T value) =>
        Expression.Property(Expression.Constant(new Captured<T>(value)), nameof(Captured<T>.Value));

    private sealed record Captured<T>(T Value);

    private sealed class HoleFiller(Expression<Func<Guid, bool>> predicate) : ExpressionVisitor
    {
        protected override Expression VisitMethodCall(MethodCallExpression node) =>
            node.Method == FillMethod ? Apply(predicate, Visit(node.Arguments[0])) : base.VisitMethodCall(node);
    }

    private sealed class ParameterReplacer(Dictionary<ParameterExpression, Expression> map) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) =>
            map.TryGetValue(node, out var replacement) ? replacement : node;
    }
}
