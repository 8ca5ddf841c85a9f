namespace Skuld.Server.Graph.Query;

/// <summary>
/// The Graph property names a response emits, in Graph's canonical spelling and in request order.
/// A name Skuld doesn't keep is still in here: the serializer writes it as null, as Graph does for
/// properties that have no value.
/// </summary>
public sealed record Selection(IReadOnlyList<string> Properties)
{
    public bool Contains(string property) => Properties.Contains(property, StringComparer.Ordinal);
}
