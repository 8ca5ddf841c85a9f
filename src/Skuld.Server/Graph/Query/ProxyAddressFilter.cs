using System.Linq.Expressions;
using Skuld.Store.Recipients;

namespace Skuld.Server.Graph.Query;

/// <summary>
/// <c>proxyAddresses/any(x: x eq 'smtp:bob@contoso.com')</c> and <c>startsWith(x, 'smtp:bob')</c> as a condition on
/// the recipient's held rows of <see cref="RecipientAddress"/>, by normalised key, so the (tenant, key) index answers
/// instead of a scan of every recipient's address list. Graph compares case-insensitively, so <c>smtp:</c> and
/// <c>SMTP:</c> (secondary, primary) both match, as any casing of the address does. An SMTP key has no prefix and a
/// domain; any other type's key is <c>type:value</c> and has no domain — that is how the two are told apart here.
/// </summary>
internal static class ProxyAddressFilter
{
    /// <summary>A marker inside a template: <see cref="Hole{T}"/> replaces it with the address condition.</summary>
    public static bool Fill(RecipientAddress address) => throw new InvalidOperationException("ProxyAddressFilter.Fill only marks a hole in an expression template.");

    /// <summary>Replaces each <c>Fill(a)</c> in <paramref name="template"/> with <paramref name="condition"/> applied to a.</summary>
    public static Expression<T> Hole<T>(Expression<T> template, Expression<Func<RecipientAddress, bool>> condition) =>
        (Expression<T>)new HoleFiller(condition).Visit(template);

    /// <summary>The condition on one address row that an <c>eq</c> or <c>startsWith</c> on a proxy address means.</summary>
    public static Expression<Func<RecipientAddress, bool>> Condition(TextMatch match)
    {
        var text = match.Value;
        if (text.Contains('\0', StringComparison.Ordinal))
        {
            return a => false;
        }

        var colon = text.IndexOf(':');
        var type = colon > 0 ? text[..colon] : null;
        if (colon >= 0 && (type is null || !type.All(char.IsAsciiLetterOrDigit)))
        {
            // Every stored proxy address starts with a letters-and-digits type, so nothing else before a colon matches.
            return a => false;
        }

        var smtp = string.Equals(type, "smtp", StringComparison.OrdinalIgnoreCase);
        if (!match.Prefix)
        {
            if (type is null || colon == text.Length - 1)
            {
                return a => false;
            }

            var key = smtp ? text[(colon + 1)..].ToLowerInvariant() : text.ToLowerInvariant();
            return smtp ? a => a.AddressKey == key && a.Domain != null : a => a.AddressKey == key && a.Domain == null;
        }

        if (type is not null)
        {
            return smtp ? Range(text[(colon + 1)..].ToLowerInvariant(), smtp: true) : Range(text.ToLowerInvariant(), smtp: false);
        }

        // No colon yet: a prefix of the type itself ('S', 'sm'): every SMTP address if it starts "smtp", and other types by key.
        var lower = text.ToLowerInvariant();
        var others = Range(lower, smtp: false);
        if (!"smtp".StartsWith(lower, StringComparison.Ordinal))
        {
            return others;
        }

        Expression<Func<RecipientAddress, bool>> anySmtp = a => a.Domain != null;
        return Expression.Lambda<Func<RecipientAddress, bool>>(
            Expression.OrElse(anySmtp.Body, Splice.Apply(others, anySmtp.Parameters[0])), anySmtp.Parameters);
    }

    /// <summary>Keys starting with <paramref name="prefix"/>, as an index range (see <see cref="RecipientPattern.UpperBound"/>).</summary>
    private static Expression<Func<RecipientAddress, bool>> Range(string prefix, bool smtp)
    {
        var upper = RecipientPattern.UpperBound(prefix);
        return (smtp, upper) switch
        {
            (true, null) => a => string.Compare(a.AddressKey, prefix) >= 0 && a.Domain != null,
            (true, _) => a => string.Compare(a.AddressKey, prefix) >= 0 && string.Compare(a.AddressKey, upper) < 0 && a.Domain != null,
            (false, null) => a => string.Compare(a.AddressKey, prefix) >= 0 && a.Domain == null,
            (false, _) => a => string.Compare(a.AddressKey, prefix) >= 0 && string.Compare(a.AddressKey, upper) < 0 && a.Domain == null,
        };
    }

    private sealed class HoleFiller(Expression<Func<RecipientAddress, bool>> condition) : ExpressionVisitor
    {
        protected override Expression VisitMethodCall(MethodCallExpression node) =>
            node.Method.Name == nameof(Fill) && node.Method.DeclaringType == typeof(ProxyAddressFilter)
                ? Splice.Apply(condition, Visit(node.Arguments[0]))
                : base.VisitMethodCall(node);
    }
}
