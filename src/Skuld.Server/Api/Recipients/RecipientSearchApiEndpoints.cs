using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Skuld.Server.Auth;
using Skuld.Store;
using Skuld.Store.Recipients;

namespace Skuld.Server.Api.Recipients;

/// <summary>
/// Native API for what Graph has no endpoint for: who holds an address (recipient search), the tenant's duplicate
/// addresses, and the resilient contact import that may create them. Errors are ProblemDetails with a stable
/// <c>type</c> and <c>code</c>.
/// </summary>
public static class RecipientSearchApiEndpoints
{
    private static readonly JsonSerializerOptions BodyOptions = new(JsonSerializerDefaults.Web) { MaxDepth = 8 };

    public static void MapRecipientSearchApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/recipients", FindAsync).RequirePermission(Permission.ReadDirectory);
        app.MapGet("/api/recipients/duplicates", DuplicatesAsync).RequirePermission(Permission.ReadDirectory);
        app.MapPost("/api/contacts/import", ImportAsync).RequirePermission(Permission.ManageUsers);
    }

    /// <summary><c>?address=bob@contoso.com | bob* | @contoso.com | b*b@contoso.*</c>, <c>&amp;top=</c> (1–1000, default 100), <c>&amp;skipToken=</c>.</summary>
    private static async Task<Results<Ok<RecipientSearchAnswer>, ProblemHttpResult>> FindAsync(
        HttpRequest request, Caller caller, SkuldDb db, CancellationToken ct)
    {
        if (Repeated(request) is { } bad || !TryTop(request, out var top, out bad))
        {
            return bad;
        }

        var address = request.Query["address"].ToString();
        var result = await RecipientSearch.FindAsync(db, caller.TenantId, address, top, SkipToken(request), ct);
        if (result.Error is { } error)
        {
            return Problem(StatusCodes.Status400BadRequest, error.Code, error.Message);
        }

        var page = result.Page!; // Why '!': no error means a page.
        return TypedResults.Ok(new RecipientSearchAnswer(
            page.Mode.ToString().ToLowerInvariant(),
            [.. page.Items.Select(RecipientJson.Of)],
            page.SkipToken,
            page.SkipToken is null ? null : $"/api/recipients?address={Uri.EscapeDataString(address)}&top={top ?? RecipientSearch.DefaultTop}&skipToken={page.SkipToken}"));
    }

    private static async Task<Results<Ok<DuplicateAnswer>, ProblemHttpResult>> DuplicatesAsync(
        HttpRequest request, Caller caller, SkuldDb db, CancellationToken ct)
    {
        if (Repeated(request) is { } bad || !TryTop(request, out var top, out bad))
        {
            return bad;
        }

        var (report, error) = await DuplicateAddresses.ReportAsync(db, caller.TenantId, top, SkipToken(request), ct);
        if (error is not null)
        {
            return Problem(StatusCodes.Status400BadRequest, error.Code, error.Message);
        }

        return TypedResults.Ok(new DuplicateAnswer(
            [.. report!.Items.Select(d => new DuplicateJson(d.AddressKey, [.. d.Holders.Select(h => new DuplicateHolderJson( // Why '!': no error means a report.
                h.ObjectId, RecipientJson.TypeName(h.Type), h.DisplayName, h.Address, h.Quarantined))]))],
            report.SkipToken,
            report.SkipToken is null ? null : $"/api/recipients/duplicates?top={top ?? DuplicateAddresses.DefaultTop}&skipToken={report.SkipToken}"));
    }

    /// <summary>Body <c>{"contacts":[{"displayName","mail","proxyAddresses":[…],"givenName","surname","companyName"}]}</c>; 200 with what was created and quarantined.</summary>
    private static async Task<Results<Ok<ContactImportReport>, ProblemHttpResult>> ImportAsync(
        HttpRequest request, Caller caller, SkuldDb db, TimeProvider time, CancellationToken ct)
    {
        ContactImportBody? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<ContactImportBody>(request.Body, BodyOptions, ct);
        }
        catch (JsonException e)
        {
            return Problem(StatusCodes.Status400BadRequest, "invalid_body", $"The body is not valid JSON for a contact import: {e.Message}");
        }

        if (body?.Contacts is not { } list || list.Any(c => c is null))
        {
            return Problem(StatusCodes.Status400BadRequest, "invalid_body", "The body must be {\"contacts\":[{\"displayName\":…,\"mail\":…,\"proxyAddresses\":[…]}]}.");
        }

        var rows = list.OfType<ContactImportJson>().Select(c => new ContactImportRow(c.DisplayName, c.Mail, [.. (c.ProxyAddresses ?? []).Select(a => a ?? "")], c.GivenName, c.Surname, c.CompanyName)).ToList();
        var result = await ContactImport.ImportAsync(db, caller.TenantId, rows, caller.Actor, time, ct);
        return result.Error is { } error
            ? TypedResults.Problem(
                detail: error.Message, statusCode: StatusCodes.Status400BadRequest, type: $"urn:skuld:problem:{error.Code}",
                extensions: new Dictionary<string, object?> { ["code"] = error.Code, ["problems"] = error.Problems })
            : TypedResults.Ok(result.Report!); // Why '!': no error means a report.
    }

    private static bool TryTop(HttpRequest request, out int? top, out ProblemHttpResult bad)
    {
        top = null;
        bad = null!; // Why '!': only read when this returns false, and then it is set.
        var values = request.Query["top"];
        if (values.Count == 0)
        {
            return true;
        }

        if (values.Count == 1 && int.TryParse(values[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
        {
            top = parsed;
            return true;
        }

        bad = Problem(StatusCodes.Status400BadRequest, "invalid_top", $"top must be a whole number between 1 and {RecipientSearch.MaxTop}.");
        return false;
    }

    /// <summary>A query parameter given more than once is refused rather than one of its values picked.</summary>
    private static ProblemHttpResult? Repeated(HttpRequest request) =>
        request.Query.FirstOrDefault(q => q.Value.Count > 1) is { Key: { } name }
            ? Problem(StatusCodes.Status400BadRequest, "invalid_query", $"'{name}' was given more than once.")
            : null;

    private static string? SkipToken(HttpRequest request) => request.Query["skipToken"] is { Count: 1 } token ? token.ToString() : null;

    private static ProblemHttpResult Problem(int status, string code, string detail) => TypedResults.Problem(
        detail: detail,
        statusCode: status,
        type: $"urn:skuld:problem:{code}",
        extensions: new Dictionary<string, object?> { ["code"] = code });

    private sealed record ContactImportBody(List<ContactImportJson?>? Contacts);

    private sealed record ContactImportJson(string? DisplayName, string? Mail, List<string?>? ProxyAddresses, string? GivenName, string? Surname, string? CompanyName);
}

/// <summary>A page of <c>GET /api/recipients</c>: the mode the pattern was read as, the matches, and the next page.</summary>
public sealed record RecipientSearchAnswer(string Mode, IReadOnlyList<RecipientJson> Value, string? SkipToken, string? NextLink);

/// <summary>One match: the address that matched and the recipient holding it, with every address it has.</summary>
public sealed record RecipientJson(
    string MatchedAddress, bool Quarantined, Guid Id, string Type, string DisplayName, IReadOnlyList<RecipientAddressView> Addresses)
{
    public static RecipientJson Of(RecipientMatch m) => new(m.MatchedAddress, m.Quarantined, m.ObjectId, TypeName(m.Type), m.DisplayName, m.Addresses);

    public static string TypeName(RecipientType type) => type switch
    {
        RecipientType.User => "user",
        RecipientType.Group => "group",
        RecipientType.Contact => "contact",
    };
}

public sealed record DuplicateAnswer(IReadOnlyList<DuplicateJson> Value, string? SkipToken, string? NextLink);

public sealed record DuplicateJson(string Address, IReadOnlyList<DuplicateHolderJson> Holders);

public sealed record DuplicateHolderJson(Guid Id, string Type, string DisplayName, string Address, bool Quarantined);
