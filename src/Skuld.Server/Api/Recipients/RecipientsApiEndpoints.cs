using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Skuld.Licensing.Engine;
using Skuld.Server.Auth;
using Skuld.Server.Graph.Groups;
using Skuld.Server.Graph.Users;
using Skuld.Store;
using Skuld.Store.Recipients;

namespace Skuld.Server.Api.Recipients;

/// <summary>
/// Native API for recipients' addresses, which Graph keeps read-only: create an organisational contact, add or
/// remove an address of a user, group or contact, and a user's license errors with the recipient that holds a
/// clashing address. Errors are ProblemDetails with a stable <c>type</c> and <c>code</c>; a clash is 409
/// <c>proxy_address_in_use</c> with the holder in <c>conflict</c>.
/// </summary>
public static class RecipientsApiEndpoints
{
    public static void MapRecipientsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/contacts", CreateContactAsync).RequirePermission(Permission.ManageUsers);
        app.MapPost("/api/users/{id}/proxyAddresses", (string id, AddressRequest body, HttpContext http, SkuldDb db, TimeProvider time, CancellationToken ct) =>
            EditAsync(RecipientType.User, id, body.Address, adding: true, http, db, time, ct)).RequirePermission(Permission.ManageUsers);
        app.MapDelete("/api/users/{id}/proxyAddresses/{address}", (string id, string address, HttpContext http, SkuldDb db, TimeProvider time, CancellationToken ct) =>
            EditAsync(RecipientType.User, id, address, adding: false, http, db, time, ct)).RequirePermission(Permission.ManageUsers);
        app.MapPost("/api/groups/{id}/proxyAddresses", (string id, AddressRequest body, HttpContext http, SkuldDb db, TimeProvider time, CancellationToken ct) =>
            EditAsync(RecipientType.Group, id, body.Address, adding: true, http, db, time, ct)).RequirePermission(Permission.ManageGroups);
        app.MapDelete("/api/groups/{id}/proxyAddresses/{address}", (string id, string address, HttpContext http, SkuldDb db, TimeProvider time, CancellationToken ct) =>
            EditAsync(RecipientType.Group, id, address, adding: false, http, db, time, ct)).RequirePermission(Permission.ManageGroups);
        app.MapPost("/api/contacts/{id}/proxyAddresses", (string id, AddressRequest body, HttpContext http, SkuldDb db, TimeProvider time, CancellationToken ct) =>
            EditAsync(RecipientType.Contact, id, body.Address, adding: true, http, db, time, ct)).RequirePermission(Permission.ManageUsers);
        app.MapDelete("/api/contacts/{id}/proxyAddresses/{address}", (string id, string address, HttpContext http, SkuldDb db, TimeProvider time, CancellationToken ct) =>
            EditAsync(RecipientType.Contact, id, address, adding: false, http, db, time, ct)).RequirePermission(Permission.ManageUsers);
        app.MapGet("/api/users/{id}/licenseErrors", LicenseErrorsAsync).RequirePermission(Permission.ReadDirectory);
    }

    private static async Task<IResult> CreateContactAsync(ContactRequest body, HttpContext http, SkuldDb db, TimeProvider time, CancellationToken ct)
    {
        var caller = http.GetCaller();
        var draft = new ContactDraft(
            body.DisplayName ?? "", body.Mail ?? "", body.ProxyAddresses ?? [],
            body.GivenName, body.Surname, body.CompanyName, body.Department, body.JobTitle, body.MailNickname);
        var result = await RecipientEdits.CreateContactAsync(db, caller.TenantId, draft, caller.Actor, time, ct);
        if (result is not RecipientEditResult.Updated created)
        {
            return ToProblem(result);
        }

        var contact = await db.OrgContacts.AsNoTracking().SingleAsync(c => c.TenantId == caller.TenantId && c.Id == created.ObjectId, ct);
        var json = Graph.Contacts.ContactJson.Write(contact);
        return Results.Text(json.ToJsonString(), "application/json", System.Text.Encoding.UTF8, StatusCodes.Status201Created);
    }

    private static async Task<IResult> EditAsync(
        RecipientType type, string id, string? address, bool adding, HttpContext http, SkuldDb db, TimeProvider time, CancellationToken ct)
    {
        var caller = http.GetCaller();
        Guid? objectId = type switch
        {
            RecipientType.User => (await UserLookup.FindAsync(db, caller.TenantId, id, ct))?.Id,
            RecipientType.Group => (await GroupLookup.FindAsync(db, caller.TenantId, id, ct))?.Id,
            RecipientType.Contact => Guid.TryParse(id, out var contactId)
                && await db.OrgContacts.AnyAsync(c => c.TenantId == caller.TenantId && c.Id == contactId, ct) ? contactId : null,
        };
        if (objectId is not { } found)
        {
            var kind = type.ToString().ToLowerInvariant();
            return Problem(StatusCodes.Status404NotFound, $"{kind}_not_found", $"No {kind} '{id}' in this tenant.");
        }

        var result = adding
            ? await RecipientEdits.AddAddressAsync(db, caller.TenantId, found, type, address ?? "", caller.Actor, time, ct)
            : await RecipientEdits.RemoveAddressAsync(db, caller.TenantId, found, type, address ?? "", caller.Actor, time, ct);
        return result is RecipientEditResult.Updated updated
            ? TypedResults.Ok(new RecipientAddressesView(updated.ObjectId, type.ToString(), updated.Mail, updated.ProxyAddresses))
            : ToProblem(result);
    }

    /// <summary>
    /// The user's license rows in error; a <c>UniquenessViolation</c> names the recipient holding the user's address,
    /// and <c>proxyConflict</c> names it whenever one holds the UPN (a mailbox would clash), errors stored or not.
    /// </summary>
    private static async Task<IResult> LicenseErrorsAsync(string id, HttpContext http, SkuldDb db, CancellationToken ct)
    {
        var caller = http.GetCaller();
        var user = await UserLookup.FindAsync(db, caller.TenantId, id, ct);
        if (user is null)
        {
            return Problem(StatusCodes.Status404NotFound, "user_not_found", $"No user '{id}' in this tenant.");
        }

        var rows = await db.LicenseAssignments.AsNoTracking()
            .Where(a => a.TenantId == caller.TenantId && a.UserId == user.Id && a.Error != LicenseError.None)
            .OrderBy(a => a.SkuId).ThenBy(a => a.SourceId)
            .ToListAsync(ct);
        // Also answers for a refused direct assignment, which stores no row: the holder blocks any mailbox for this user.
        var conflict = await MailboxProxies.UpnConflictAsync(db, caller.TenantId, user.Id, user.UserPrincipalName, ct);
        return TypedResults.Ok(new LicenseErrorsView(user.Id, conflict is null ? null : ConflictView.Of(conflict), [.. rows.Select(r => new LicenseErrorView(
            r.SkuId,
            r.SourceId == Guid.Empty ? null : r.SourceId,
            r.State.ToString(),
            r.Error.ToString(),
            r.Error == LicenseError.UniquenessViolation && conflict is not null ? ConflictView.Of(conflict) : null))]));
    }

    private static ProblemHttpResult ToProblem(RecipientEditResult result) => result switch
    {
        RecipientEditResult.Clash clash => TypedResults.Problem(
            detail: clash.Conflict.Describe(),
            statusCode: StatusCodes.Status409Conflict,
            type: "urn:skuld:problem:proxy_address_in_use",
            extensions: new Dictionary<string, object?> { ["code"] = "proxy_address_in_use", ["conflict"] = ConflictView.Of(clash.Conflict) }),
        RecipientEditResult.Invalid invalid => Problem(StatusCodes.Status400BadRequest, invalid.Code, invalid.Message),
        RecipientEditResult.NotFound notFound => Problem(StatusCodes.Status404NotFound, notFound.Code, notFound.Message),
        _ => throw new InvalidOperationException($"{result} is not an error."),
    };

    private static ProblemHttpResult Problem(int status, string code, string detail) => TypedResults.Problem(
        detail: detail,
        statusCode: status,
        type: $"urn:skuld:problem:{code}",
        extensions: new Dictionary<string, object?> { ["code"] = code });
}

public sealed record AddressRequest(string? Address);

public sealed record ContactRequest(
    string? DisplayName, string? Mail, IReadOnlyList<string>? ProxyAddresses,
    string? GivenName, string? Surname, string? CompanyName, string? Department, string? JobTitle, string? MailNickname);

public sealed record RecipientAddressesView(Guid Id, string Type, string? Mail, IReadOnlyList<string> ProxyAddresses);

/// <summary>The recipient holding an address: what a clash names.</summary>
public sealed record ConflictView(string Address, Guid ObjectId, string ObjectType, string DisplayName)
{
    public static ConflictView Of(AddressConflict c) => new(c.Address, c.Holder.Id, c.Holder.Type.ToString(), c.Holder.DisplayName);
}

public sealed record LicenseErrorView(Guid SkuId, Guid? AssignedByGroup, string State, string Error, ConflictView? Conflict);

public sealed record LicenseErrorsView(Guid UserId, ConflictView? ProxyConflict, IReadOnlyList<LicenseErrorView> Errors);
