using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using Skuld.Licensing.Engine;

namespace Skuld.Server.Graph;

/// <summary>The body of <c>assignLicense</c>, read strictly: both members required, GUIDs checked.</summary>
public sealed record AssignLicenseRequest(ImmutableArray<LicenseRequest> Add, ImmutableArray<Guid> Remove)
{
    public static (AssignLicenseRequest? Request, GraphError? Error) Read(JsonObject body)
    {
        foreach (var (name, _) in body)
        {
            if (name is not ("addLicenses" or "removeLicenses") && !GraphJson.IsAnnotation(name))
            {
                return (null, GraphError.BadRequest(
                    $"The parameter '{name}' in the request payload is not a valid parameter for the operation 'assignLicense'."));
            }
        }

        string[] missing = [.. new[] { "addLicenses", "removeLicenses" }.Where(n => !body.ContainsKey(n))];
        if (missing.Length > 0)
        {
            return (null, GraphError.BadRequest(
                "One or more parameters of the operation 'assignLicense' are missing from the request payload. " +
                $"The missing parameters are: {string.Join(",", missing)}."));
        }

        if (body["addLicenses"] is not JsonArray addArray)
        {
            return (null, WrongType(body["addLicenses"], "Collection(microsoft.graph.assignedLicense)"));
        }

        if (body["removeLicenses"] is not JsonArray removeArray)
        {
            return (null, WrongType(body["removeLicenses"], "Collection(Edm.Guid)"));
        }

        var add = ImmutableArray.CreateBuilder<LicenseRequest>();
        foreach (var item in addArray)
        {
            var (license, error) = ReadLicense(item);
            if (license is null)
            {
                return (null, error);
            }

            add.Add(license);
        }

        var remove = ImmutableArray.CreateBuilder<Guid>();
        foreach (var item in removeArray)
        {
            if (!TryGuid(item, out var skuId))
            {
                return (null, WrongType(item, "Edm.Guid"));
            }

            remove.Add(skuId);
        }

        if (add.Count == 0 && remove.Count == 0)
        {
            return (null, GraphError.BadRequest("No license changes provided. At least one license to add or remove must be specified."));
        }

        return (new AssignLicenseRequest(add.ToImmutable(), remove.ToImmutable()), null);
    }

    private static (LicenseRequest? License, GraphError? Error) ReadLicense(JsonNode? node)
    {
        if (node is not JsonObject license)
        {
            return (null, WrongType(node, "microsoft.graph.assignedLicense"));
        }

        Guid? skuId = null;
        var disabled = ImmutableArray.CreateBuilder<Guid>();
        foreach (var (name, value) in license)
        {
            switch (name)
            {
                case "skuId":
                    if (!TryGuid(value, out var id))
                    {
                        return (null, WrongType(value, "Edm.Guid"));
                    }

                    skuId = id;
                    break;
                case "disabledPlans":
                    if (value is null)
                    {
                        break;
                    }

                    if (value is not JsonArray plans)
                    {
                        return (null, WrongType(value, "Collection(Edm.Guid)"));
                    }

                    foreach (var plan in plans)
                    {
                        if (!TryGuid(plan, out var planId))
                        {
                            return (null, WrongType(plan, "Edm.Guid"));
                        }

                        disabled.Add(planId);
                    }

                    break;
                default:
                    if (!GraphJson.IsAnnotation(name))
                    {
                        return (null, GraphError.BadRequest(
                            $"The property '{name}' does not exist on type 'microsoft.graph.assignedLicense'. Make sure to only use property names that are defined by the type."));
                    }

                    break;
            }
        }

        return skuId is { } sku
            ? (new LicenseRequest(sku, [.. disabled.Distinct()]), null)
            : (null, GraphError.BadRequest("Invalid value specified for property 'skuId' of resource 'assignedLicense'."));
    }

    private static bool TryGuid(JsonNode? node, out Guid value)
    {
        value = Guid.Empty;
        return node?.GetValueKind() == JsonValueKind.String && Guid.TryParse(node.GetValue<string>(), out value);
    }

    private static GraphError WrongType(JsonNode? node, string edmType)
    {
        var literal = node is null ? "null" : node.ToJsonString();
        if (literal.Length > 64)
        {
            literal = literal[..64] + "…";
        }

        return GraphError.BadRequest($"Cannot convert the literal '{literal}' to the expected type '{edmType}'.");
    }
}
