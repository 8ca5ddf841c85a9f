using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Skuld.Server.Auth;
using Skuld.Store;

namespace Skuld.Server.Graph.Organization;

/// <summary>Graph v1.0 <c>/organization</c>: the caller's tenant.</summary>
public static class OrganizationEndpoints
{
    public static void MapOrganization(this RouteGroupBuilder graph)
    {
        graph.MapGet("/organization", ListAsync).RequirePermission(Permission.ReadDirectory);
        graph.MapGet("/organization/{id}", GetAsync).RequirePermission(Permission.ReadDirectory);
    }

    private static async Task<IResult> ListAsync(HttpContext http, SkuldDb db, CancellationToken ct)
    {
        var caller = http.GetCaller();
        var tenant = await db.Tenants.AsNoTracking().FirstAsync(t => t.Id == caller.TenantId, ct);
        return GraphJson.Ok(GraphJson.Collection("organization", [Write(tenant)]));
    }

    private static async Task<IResult> GetAsync(string id, HttpContext http, SkuldDb db, CancellationToken ct)
    {
        var caller = http.GetCaller();
        if (!Guid.TryParse(id, out var tenantId) || tenantId != caller.TenantId)
        {
            return GraphError.NotFound(id);
        }

        var tenant = await db.Tenants.AsNoTracking().FirstAsync(t => t.Id == caller.TenantId, ct);
        var body = Write(tenant);
        body.Insert(0, "@odata.context", GraphJson.ContextBase + "organization/$entity");
        return GraphJson.Ok(body);
    }

    private static JsonObject Write(Store.Directory.Tenant tenant) => new()
    {
        ["id"] = GraphJson.Id(tenant.Id),
        ["displayName"] = tenant.DisplayName,
        ["countryLetterCode"] = tenant.CountryLetterCode,
        ["preferredLanguage"] = "en",
        ["createdDateTime"] = tenant.CreatedDateTime.UtcDateTime,
        ["tenantType"] = "AAD",
        ["verifiedDomains"] = new JsonArray(
            Domain(tenant.Domain, isDefault: true, isInitial: false),
            Domain(tenant.InitialDomain, isDefault: false, isInitial: true)),
    };

    private static JsonObject Domain(string name, bool isDefault, bool isInitial) => new()
    {
        ["capabilities"] = "Email, OfficeCommunicationsOnline",
        ["isDefault"] = isDefault,
        ["isInitial"] = isInitial,
        ["name"] = name,
        ["type"] = "Managed",
    };
}
