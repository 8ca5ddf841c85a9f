namespace Skuld.Server.Graph.Query;

/// <summary>A value, or the Graph error that stands in for it.</summary>
public readonly record struct QueryResult<T>
{
    private QueryResult(T? value, GraphError? error) => (Value, Error) = (value, error);

    public T? Value { get; }
    public GraphError? Error { get; }

    public static implicit operator QueryResult<T>(T value) => new(value, null);
    public static implicit operator QueryResult<T>(GraphError error) => new(default, error);
}
