using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Skuld.Server.Graph;
using Skuld.Store;

namespace Skuld.Server.Auth;

/// <summary><c>GET /v1.0/me</c>: the signed-in user in Graph's default projection. The one call a user with no role may make.</summary>
public static class MeEndpoint
{
    public static RouteHandlerBuilder MapMe(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/v1.0/me", GetAsync).RequireCaller();

    private static async Task<IResult> GetAsync(Caller caller, HttpRequest request, SkuldDb db, CancellationToken cancellationToken)
    {
        if (caller.Kind == CallerKind.App)
        {
            return new GraphError(StatusCodes.Status400BadRequest, "BadRequest", "/me request is only valid with delegated authentication flow.");
        }

        var context = $"{request.Scheme}://{request.Host}{request.PathBase}/v1.0/$metadata#users/$entity";
        var me = await db.Users.AsNoTracking()
            .Where(u => u.TenantId == caller.TenantId && u.Id == caller.PrincipalId)
            .Select(u => new Me(context, u.Id, u.DisplayName, u.GivenName, u.Surname, u.JobTitle, u.Mail, u.OfficeLocation, u.UserPrincipalName))
            .SingleOrDefaultAsync(cancellationToken);
        return me is null ? GraphError.NotFound(caller.PrincipalId.ToString()) : Results.Json(me);
    }

    // Names pinned here so the shape does not depend on the app's JSON naming policy.
    private sealed record Me(
        [property: JsonPropertyName("@odata.context")] string ODataContext,
        [property: JsonPropertyName("id")] Guid Id,
        [property: JsonPropertyName("displayName")] string DisplayName,
        [property: JsonPropertyName("givenName")] string? GivenName,
        [property: JsonPropertyName("surname")] string? Surname,
        [property: JsonPropertyName("jobTitle")] string? JobTitle,
        [property: JsonPropertyName("mail")] string? Mail,
        [property: JsonPropertyName("officeLocation")] string? OfficeLocation,
        [property: JsonPropertyName("userPrincipalName")] string UserPrincipalName)
    {
        [JsonPropertyName("businessPhones")]
        public IReadOnlyList<string> BusinessPhones { get; } = [];
    }
}
