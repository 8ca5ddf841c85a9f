using System.Text.Json;
using System.Text.Json.Nodes;
using Skuld.Licensing;
using Skuld.Store.Directory;

namespace Skuld.Server.Graph.Users;

/// <summary>
/// The user properties a client may write, read strictly from a Graph request body: unknown names,
/// read-only properties, wrong JSON types and invalid values are refused with Graph's messages.
/// </summary>
public sealed record UserInput(IReadOnlyDictionary<string, object?> Values, string? Password)
{
    private static readonly Dictionary<string, GraphValueKind> Writable = new(StringComparer.Ordinal)
    {
        ["userPrincipalName"] = GraphValueKind.Text,
        ["displayName"] = GraphValueKind.Text,
        ["givenName"] = GraphValueKind.Text,
        ["surname"] = GraphValueKind.Text,
        ["jobTitle"] = GraphValueKind.Text,
        ["department"] = GraphValueKind.Text,
        ["companyName"] = GraphValueKind.Text,
        ["country"] = GraphValueKind.Text,
        ["city"] = GraphValueKind.Text,
        ["officeLocation"] = GraphValueKind.Text,
        ["employeeId"] = GraphValueKind.Text,
        ["mail"] = GraphValueKind.Text,
        ["mailNickname"] = GraphValueKind.Text,
        ["usageLocation"] = GraphValueKind.Text,
        ["userType"] = GraphValueKind.Text,
        ["accountEnabled"] = GraphValueKind.Boolean,
        ["otherMails"] = GraphValueKind.TextList,
    };

    private static readonly HashSet<string> ReadOnly = new(StringComparer.Ordinal)
    {
        "id", "createdDateTime", "proxyAddresses", "assignedLicenses", "assignedPlans",
        "licenseAssignmentStates", "provisionedPlans", "licenseDetails",
    };

    /// <summary>Properties a create must carry (as Graph requires).</summary>
    private static readonly string[] RequiredOnCreate = ["accountEnabled", "displayName", "mailNickname", "userPrincipalName"];

    public bool Sets(string property) => Values.ContainsKey(property);

    public static (UserInput? Input, GraphError? Error) Read(JsonObject body, bool creating)
    {
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        string? password = null;
        foreach (var (name, node) in body)
        {
            if (GraphJson.IsAnnotation(name))
            {
                continue;
            }

            if (name == "passwordProfile")
            {
                var (p, error) = ReadPasswordProfile(node);
                if (error is not null)
                {
                    return (null, error);
                }

                password = p;
                continue;
            }

            if (ReadOnly.Contains(name))
            {
                return (null, GraphError.BadRequest($"Property '{name}' is read-only and cannot be set."));
            }

            if (!Writable.TryGetValue(name, out var kind))
            {
                return (null, GraphError.BadRequest($"Property '{name}' does not exist as a declared property or extension property."));
            }

            var (value, typeError) = GraphValue.Read(name, kind, node);
            if (typeError is not null)
            {
                return (null, typeError);
            }

            values[name] = value;
        }

        var input = new UserInput(values, password);
        var invalid = input.Validate(creating);
        return invalid is null ? (input, null) : (null, invalid);
    }

    private GraphError? Validate(bool creating)
    {
        if (creating)
        {
            foreach (var name in RequiredOnCreate)
            {
                if (!Values.TryGetValue(name, out var v) || v is null || v is string { Length: 0 })
                {
                    return InvalidValue(name);
                }
            }

            if (Password is null)
            {
                return InvalidValue("passwordProfile");
            }
        }

        foreach (var name in (string[])["displayName", "userPrincipalName", "mailNickname", "accountEnabled"])
        {
            if (Values.TryGetValue(name, out var v) && (v is null || v is string { Length: 0 }))
            {
                return InvalidValue(name);
            }
        }

        if (Values.TryGetValue("usageLocation", out var location) && location is string code && !Countries.IsValid(code))
        {
            return InvalidValue("usageLocation");
        }

        if (Values.TryGetValue("userType", out var type) && type is not (null or "Member" or "Guest"))
        {
            return InvalidValue("userType");
        }

        if (Values.TryGetValue("userPrincipalName", out var upn) && upn is string u && !LooksLikeUpn(u))
        {
            return InvalidValue("userPrincipalName");
        }

        if (Values.TryGetValue("mailNickname", out var nick) && nick is string n && n.Any(c => char.IsWhiteSpace(c) || c == '@'))
        {
            return InvalidValue("mailNickname");
        }

        foreach (var (name, value) in Values)
        {
            // NUL can't be stored (PostgreSQL refuses it in text) and no directory property holds one.
            if ((value is string s && (s.Length > 256 || s.Contains('\0', StringComparison.Ordinal)))
                || (value is List<string> list && list.Any(item => item.Contains('\0', StringComparison.Ordinal))))
            {
                return InvalidValue(name);
            }
        }

        return null;
    }

    public static GraphError InvalidValue(string property) =>
        GraphError.BadRequest($"Invalid value specified for property '{property}' of resource 'User'.");

    private static bool LooksLikeUpn(string upn)
    {
        var at = upn.IndexOf('@', StringComparison.Ordinal);
        return at > 0 && at == upn.LastIndexOf('@') && at < upn.Length - 1
            && !upn.Any(char.IsWhiteSpace) && upn.Length <= 113;
    }

    /// <summary>The domain part of a user principal name, lower-case.</summary>
    public static string DomainOf(string upn) => upn[(upn.IndexOf('@', StringComparison.Ordinal) + 1)..].ToLowerInvariant();

    private static (string? Password, GraphError? Error) ReadPasswordProfile(JsonNode? node)
    {
        if (node is not JsonObject profile)
        {
            return (null, InvalidValue("passwordProfile"));
        }

        string? password = null;
        foreach (var (name, value) in profile)
        {
            switch (name)
            {
                case "password" when value?.GetValueKind() == JsonValueKind.String:
                    password = value.GetValue<string>();
                    break;
                case "forceChangePasswordNextSignIn" or "forceChangePasswordNextSignInWithMfa"
                    when value?.GetValueKind() is JsonValueKind.True or JsonValueKind.False:
                    break;
                default:
                    if (!GraphJson.IsAnnotation(name))
                    {
                        return (null, InvalidValue("passwordProfile"));
                    }

                    break;
            }
        }

        return password is { Length: >= 8 and <= 256 }
            ? (password, null)
            : (null, GraphError.BadRequest(
                "The specified password does not comply with password complexity requirements. Please provide a different password."));
    }

    /// <summary>Applies the values to a user, returning the properties that changed (name, old, new).</summary>
    public IReadOnlyList<(string Name, object? Old, object? New)> ApplyTo(User user)
    {
        var changes = new List<(string, object?, object?)>();
        foreach (var (name, value) in Values)
        {
            var old = Get(user, name);
            if (Equal(old, value))
            {
                continue;
            }

            Set(user, name, value);
            changes.Add((name, old, value));
        }

        return changes;
    }

    private static bool Equal(object? a, object? b) => (a, b) switch
    {
        (List<string> x, List<string> y) => x.SequenceEqual(y),
        _ => Equals(a, b),
    };

    private static object? Get(User u, string name) => name switch
    {
        "userPrincipalName" => u.UserPrincipalName,
        "displayName" => u.DisplayName,
        "givenName" => u.GivenName,
        "surname" => u.Surname,
        "jobTitle" => u.JobTitle,
        "department" => u.Department,
        "companyName" => u.CompanyName,
        "country" => u.Country,
        "city" => u.City,
        "officeLocation" => u.OfficeLocation,
        "employeeId" => u.EmployeeId,
        "mail" => u.Mail,
        "mailNickname" => u.MailNickname,
        "usageLocation" => u.UsageLocation,
        "userType" => u.UserType,
        "accountEnabled" => u.AccountEnabled,
        "otherMails" => u.OtherMails,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Not a writable user property."),
    };

    private static void Set(User u, string name, object? value)
    {
        switch (name)
        {
            case "userPrincipalName": u.UserPrincipalName = (string)value!; break; // validated non-null
            case "displayName": u.DisplayName = (string)value!; break; // validated non-null
            case "givenName": u.GivenName = (string?)value; break;
            case "surname": u.Surname = (string?)value; break;
            case "jobTitle": u.JobTitle = (string?)value; break;
            case "department": u.Department = (string?)value; break;
            case "companyName": u.CompanyName = (string?)value; break;
            case "country": u.Country = (string?)value; break;
            case "city": u.City = (string?)value; break;
            case "officeLocation": u.OfficeLocation = (string?)value; break;
            case "employeeId": u.EmployeeId = (string?)value; break;
            case "mail": u.Mail = (string?)value; break;
            case "mailNickname": u.MailNickname = (string?)value; break;
            case "usageLocation": u.UsageLocation = (string?)value; break;
            case "userType": u.UserType = (string?)value ?? "Member"; break;
            case "accountEnabled": u.AccountEnabled = (bool)value!; break; // validated non-null
            case "otherMails": u.OtherMails = (List<string>?)value ?? []; break;
            default: throw new ArgumentOutOfRangeException(nameof(name), name, "Not a writable user property.");
        }
    }
}
