using System.Buffers;
using System.Text.Json.Nodes;
using Skuld.Store.Directory;

namespace Skuld.Server.Graph.Groups;

/// <summary>
/// The group properties a client may write, read strictly from a Graph request body: unknown names,
/// read-only properties, wrong JSON types and invalid values are refused with Graph's messages.
/// </summary>
public sealed record GroupInput(IReadOnlyDictionary<string, object?> Values)
{
    public const string UnifiedType = "Unified";

    private static readonly Dictionary<string, GraphValueKind> WritableOnCreate = new(StringComparer.Ordinal)
    {
        ["displayName"] = GraphValueKind.Text,
        ["description"] = GraphValueKind.Text,
        ["mailNickname"] = GraphValueKind.Text,
        ["mailEnabled"] = GraphValueKind.Boolean,
        ["securityEnabled"] = GraphValueKind.Boolean,
        ["groupTypes"] = GraphValueKind.TextList,
    };

    // Graph lets a PATCH change these; the kind of group (groupTypes, mailEnabled) is fixed at creation.
    private static readonly HashSet<string> WritableOnUpdate = new(StringComparer.Ordinal)
    {
        "displayName", "description", "mailNickname", "securityEnabled",
    };

    /// <summary>Graph group properties Skuld does not keep: accepted and ignored, so existing scripts still run.</summary>
    private static readonly HashSet<string> Ignored = new(StringComparer.Ordinal)
    {
        "visibility", "classification", "theme", "preferredLanguage", "isAssignableToRole",
    };

    private static readonly HashSet<string> ReadOnly = new(StringComparer.Ordinal)
    {
        "id", "createdDateTime", "mail", "proxyAddresses", "assignedLicenses", "licenseProcessingState",
        "hasMembersWithLicenseErrors", "deletedDateTime", "renewedDateTime", "securityIdentifier",
    };

    private static readonly string[] RequiredOnCreate = ["displayName", "mailEnabled", "mailNickname", "securityEnabled"];

    // Characters Exchange refuses in an alias (and so Graph in mailNickname).
    private static readonly SearchValues<char> NicknameForbidden = SearchValues.Create("@()\\[]\";:<>,");

    public bool Sets(string property) => Values.ContainsKey(property);

    public static (GroupInput? Input, GraphError? Error) Read(JsonObject body, bool creating)
    {
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, node) in body)
        {
            if (GraphJson.IsAnnotation(name) || Ignored.Contains(name))
            {
                continue;
            }

            if (ReadOnly.Contains(name) || (!creating && WritableOnCreate.ContainsKey(name) && !WritableOnUpdate.Contains(name)))
            {
                return (null, GraphError.BadRequest($"Property '{name}' is read-only and cannot be set."));
            }

            if (!WritableOnCreate.TryGetValue(name, out var kind))
            {
                return (null, GraphError.BadRequest($"Property '{name}' does not exist as a declared property or extension property."));
            }

            var (value, typeError) = GraphValue.Read(name, kind, node);
            if (value is List<string> list)
            {
                // A group type or address given twice is one.
                value = list.Distinct(StringComparer.Ordinal).ToList();
            }
            if (typeError is not null)
            {
                return (null, typeError);
            }

            values[name] = value;
        }

        var input = new GroupInput(values);
        var invalid = input.Validate(creating);
        return invalid is null ? (input, null) : (null, invalid);
    }

    /// <summary>A Microsoft 365 group, as opposed to a security group.</summary>
    public bool IsUnified => Values.TryGetValue("groupTypes", out var types) && types is List<string> list && list.Contains(UnifiedType);

    private GraphError? Validate(bool creating)
    {
        if (creating)
        {
            foreach (var property in RequiredOnCreate)
            {
                if (!Values.TryGetValue(property, out var v) || v is null || v is string { Length: 0 })
                {
                    return InvalidValue(property);
                }
            }

            // Graph creates security groups and Microsoft 365 groups, not mail-enabled security groups.
            if (Values["mailEnabled"] is true && !IsUnified)
            {
                return GraphError.BadRequest(
                    "The service does not currently support writes of mail-enabled groups. Please ensure that the mail-enablement property is unset or is set to false.");
            }
        }

        foreach (var property in (string[])["displayName", "mailNickname", "securityEnabled"])
        {
            if (Values.TryGetValue(property, out var v) && (v is null || v is string { Length: 0 }))
            {
                return InvalidValue(property);
            }
        }

        // Dynamic membership is not modelled: membership is only ever what members/$ref made it.
        if (Values.TryGetValue("groupTypes", out var types) && types is List<string> list && list.Any(t => t != UnifiedType))
        {
            return InvalidValue("groupTypes");
        }

        if (Values.TryGetValue("mailNickname", out var nick) && nick is string n
            && (n.Length > 64 || n.Any(char.IsWhiteSpace) || n.IndexOfAny(NicknameForbidden) >= 0))
        {
            return InvalidValue("mailNickname");
        }

        if (Values.TryGetValue("displayName", out var display) && display is string { Length: > 256 })
        {
            return InvalidValue("displayName");
        }

        return Values.TryGetValue("description", out var description) && description is string { Length: > 1024 }
            ? InvalidValue("description")
            : null;
    }

    public static GraphError InvalidValue(string property) =>
        GraphError.BadRequest($"Invalid value specified for property '{property}' of resource 'Group'.");

    /// <summary>Applies the values to a group, returning the properties that changed (name, old, new).</summary>
    public IReadOnlyList<(string Name, object? Old, object? New)> ApplyTo(Group group)
    {
        var changes = new List<(string, object?, object?)>();
        foreach (var (name, value) in Values)
        {
            var old = Get(group, name);
            if (old is List<string> a && value is List<string> b ? a.SequenceEqual(b) : Equals(old, value))
            {
                continue;
            }

            Set(group, name, value);
            changes.Add((name, old, value));
        }

        return changes;
    }

    private static object? Get(Group g, string name) => name switch
    {
        "displayName" => g.DisplayName,
        "description" => g.Description,
        "mailNickname" => g.MailNickname,
        "mailEnabled" => g.MailEnabled,
        "securityEnabled" => g.SecurityEnabled,
        "groupTypes" => g.GroupTypes,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Not a writable group property."),
    };

    private static void Set(Group g, string name, object? value)
    {
        switch (name)
        {
            case "displayName": g.DisplayName = (string)value!; break; // validated non-null
            case "description": g.Description = (string?)value; break;
            case "mailNickname": g.MailNickname = (string)value!; break; // validated non-null
            case "mailEnabled": g.MailEnabled = (bool)value!; break; // required on create
            case "securityEnabled": g.SecurityEnabled = (bool)value!; break; // validated non-null
            case "groupTypes": g.GroupTypes = (List<string>?)value ?? []; break;
            default: throw new ArgumentOutOfRangeException(nameof(name), name, "Not a writable group property.");
        }
    }
}
