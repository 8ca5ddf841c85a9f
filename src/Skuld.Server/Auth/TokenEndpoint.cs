using System.Net.Http.Headers;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Skuld.Store;
using Skuld.Store.Auth;
using Skuld.Store.Directory;

namespace Skuld.Server.Auth;

/// <summary>
/// <c>POST /{tenant}/oauth2/v2.0/token</c>, shaped like Entra's v2 endpoint: client credentials for app
/// registrations, the password grant for accounts that have a password. <c>{tenant}</c> is the tenant's
/// domain, initial domain or id.
/// </summary>
internal static class TokenEndpoint
{
    public static RouteHandlerBuilder MapTokenEndpoint(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost("/{tenant}/oauth2/v2.0/token", IssueAsync)
            .AllowAnonymous()
            // OAuth clients post a plain form without an antiforgery token.
            .DisableAntiforgery()
            .ExcludeFromDescription();

    private static async Task<IResult> IssueAsync(
        string tenant, HttpRequest request, SkuldDb db, AccessTokenIssuer issuer, CancellationToken cancellationToken)
    {
        var form = await ReadFormAsync(request, cancellationToken);
        var found = await FindTenantAsync(db, tenant, cancellationToken);
        if (found is null)
        {
            return OAuthError.TenantNotFound(tenant);
        }

        db.EnterTenant(found.Id);

        var grantType = Value(form, "grant_type");
        return grantType switch
        {
            null => OAuthError.MissingParameter("grant_type"),
            "client_credentials" => await ClientCredentialsAsync(found, tenant, form, request, db, issuer, cancellationToken),
            "password" => await PasswordAsync(found, form, db, issuer, cancellationToken),
            _ => OAuthError.UnsupportedGrantType(grantType),
        };
    }

    private static async Task<IResult> ClientCredentialsAsync(
        Tenant tenant, string tenantName, IFormCollection form, HttpRequest request, SkuldDb db, AccessTokenIssuer issuer, CancellationToken cancellationToken)
    {
        var basic = BasicCredentials(request);
        var clientId = Value(form, "client_id") ?? basic?.ClientId;
        var clientSecret = Value(form, "client_secret") ?? basic?.ClientSecret;
        var scope = Value(form, "scope");
        if (clientId is null)
        {
            return OAuthError.MissingParameter("client_id");
        }

        if (scope is null)
        {
            return OAuthError.MissingParameter("scope");
        }

        // Any resource's ".default" is accepted: every token is for this directory's Graph surface.
        if (scope.Split(' ', StringSplitOptions.RemoveEmptyEntries).Any(s => !s.EndsWith("/.default", StringComparison.OrdinalIgnoreCase)))
        {
            return OAuthError.InvalidScope(scope);
        }

        var app = Guid.TryParse(clientId, out var appId)
            ? await db.AppRegistrations.AsNoTracking()
                .SingleOrDefaultAsync(a => a.TenantId == tenant.Id && a.AppId == appId, cancellationToken)
            : null;
        if (app is null)
        {
            return OAuthError.ApplicationNotFound(clientId, tenantName);
        }

        if (clientSecret is null)
        {
            return OAuthError.MissingClientSecret();
        }

        if (!SecretHasher.Verify(clientSecret, app.SecretHash))
        {
            return OAuthError.InvalidClientSecret(clientId);
        }

        var issued = await issuer.ForAppAsync(tenant.Id, app.Id, app.AppId, app.DisplayName, cancellationToken);
        return Success(issued);
    }

    private static async Task<IResult> PasswordAsync(
        Tenant tenant, IFormCollection form, SkuldDb db, AccessTokenIssuer issuer, CancellationToken cancellationToken)
    {
        var username = Value(form, "username");
        var password = Value(form, "password");
        if (username is null)
        {
            return OAuthError.MissingParameter("username");
        }

        if (password is null)
        {
            return OAuthError.MissingParameter("password");
        }

        var user = await db.Users.AsNoTracking()
            .Where(u => u.TenantId == tenant.Id && u.UserPrincipalNameKey == User.KeyOf(username))
            .Select(u => new { u.Id, u.UserPrincipalName, u.DisplayName, u.AccountEnabled, u.PasswordHash })
            .SingleOrDefaultAsync(cancellationToken);

        // An unknown account and an account without a password answer like a wrong password, as Entra's
        // 50126 does, so the endpoint does not tell which accounts exist.
        if (user?.PasswordHash is null || !SecretHasher.Verify(password, user.PasswordHash))
        {
            return OAuthError.InvalidUsernameOrPassword();
        }

        if (!user.AccountEnabled)
        {
            return OAuthError.AccountDisabled();
        }

        // client_id is optional and not checked: public clients (Graph PowerShell, the Azure CLI) send
        // Microsoft's own ids, which no Skuld tenant registers. It is kept in the token as appid.
        var issued = await issuer.ForUserAsync(
            tenant.Id, user.Id, user.UserPrincipalName, user.DisplayName, Value(form, "client_id"), cancellationToken);
        return Success(issued);
    }

    private static IResult Success(AccessTokenIssuer.Issued issued)
    {
        // Entra reports one second less than the lifetime; clients refresh on this number.
        var expiresIn = (int)AccessTokens.Lifetime.TotalSeconds - 1;
        return Results.Json(new Dictionary<string, object>
        {
            ["token_type"] = "Bearer",
            ["expires_in"] = expiresIn,
            ["ext_expires_in"] = expiresIn,
            ["access_token"] = issued.AccessToken,
        });
    }

    /// <summary>
    /// The posted form; a body that is no form, or one the form reader refuses (too many or too long
    /// values, NUL characters, a broken multipart body), counts as no form, so the client is told which
    /// parameter is missing instead of getting a 500.
    /// </summary>
    private static async Task<IFormCollection> ReadFormAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType)
        {
            return FormCollection.Empty;
        }

        try
        {
            return await request.ReadFormAsync(cancellationToken);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            return FormCollection.Empty;
        }
    }

    // The one lookup of the token endpoint that spans tenants: the URL names the tenant, which then scopes the context.
    private static Task<Tenant?> FindTenantAsync(SkuldDb db, string name, CancellationToken cancellationToken)
    {
        if (Guid.TryParse(name, out var id))
        {
            return db.Tenants.AcrossTenants().AsNoTracking().SingleOrDefaultAsync(t => t.Id == id, cancellationToken);
        }

        // Domains are stored lower-case and the store lowers the compared value too, so this ignores case.
        return db.Tenants.AcrossTenants().AsNoTracking()
            .FirstOrDefaultAsync(t => t.Domain == name || t.InitialDomain == name, cancellationToken);
    }

    private static string? Value(IFormCollection form, string name) =>
        form.TryGetValue(name, out var values) && !string.IsNullOrEmpty(values.ToString()) ? values.ToString() : null;

    private sealed record Basic(string ClientId, string ClientSecret);

    /// <summary>RFC 6749 §2.3.1: client id and secret form-url-encoded, then joined by a colon and base64-encoded.</summary>
    private static Basic? BasicCredentials(HttpRequest request)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header)
            || !header.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase)
            || header.Parameter is null)
        {
            return null;
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
        }
        catch (FormatException)
        {
            return null;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        return colon < 0
            ? null
            : new Basic(Uri.UnescapeDataString(decoded[..colon].Replace('+', ' ')), Uri.UnescapeDataString(decoded[(colon + 1)..].Replace('+', ' ')));
    }
}
