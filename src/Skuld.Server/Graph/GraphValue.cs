using System.Text.Json;
using System.Text.Json.Nodes;

namespace Skuld.Server.Graph;

/// <summary>The JSON type a writable Graph property takes.</summary>
public enum GraphValueKind
{
    Text,
    Boolean,
    TextList,
}

/// <summary>Reads one property value of a Graph request body, refusing a wrong JSON type with OData's message.</summary>
public static class GraphValue
{
    public static (object? Value, GraphError? Error) Read(string name, GraphValueKind kind, JsonNode? node)
    {
        if (node is null)
        {
            return (null, null);
        }

        return kind switch
        {
            GraphValueKind.Text => node.GetValueKind() == JsonValueKind.String
                ? (node.GetValue<string>(), null)
                : (null, WrongType(node, "Edm.String", name)),
            GraphValueKind.Boolean => node.GetValueKind() is JsonValueKind.True or JsonValueKind.False
                ? (node.GetValue<bool>(), null)
                : (null, WrongType(node, "Edm.Boolean", name)),
            GraphValueKind.TextList => node is JsonArray array && array.All(i => i?.GetValueKind() == JsonValueKind.String)
                ? (array.Select(i => i!.GetValue<string>()).ToList(), null) // Why '!': checked just above.
                : (null, WrongType(node, "Collection(Edm.String)", name)),
        };
    }

    private static GraphError WrongType(JsonNode node, string edmType, string name)
    {
        var literal = node.ToJsonString();
        return GraphError.BadRequest(
            $"Cannot convert the literal '{(literal.Length <= 64 ? literal : literal[..64] + "…")}' to the expected type '{edmType}' of property '{name}'.");
    }
}
