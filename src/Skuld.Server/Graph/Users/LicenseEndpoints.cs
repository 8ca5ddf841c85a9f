using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Skuld.Licensing.Engine;
using Skuld.Server.Auth;
using Skuld.Store;
using Skuld.Store.Licensing;

namespace Skuld.Server.Graph.Users;

/// <summary>Graph v1.0 direct licensing of users: <c>assignLicense</c> and <c>licenseDetails</c>.</summary>
public static class LicenseEndpoints
{
    public static void MapUserLicenses(this RouteGroupBuilder graph)
    {
        graph.MapPost("/users/{id}/assignLicense", AssignAsync).RequirePermission(Permission.ManageUserLicenses);
        // An app's principal id is not a user's: /me with an app token is Graph's 400, not a 404 naming the app.
        graph.MapPost("/me/assignLicense", (HttpContext http, SkuldDb db, TimeProvider time, CancellationToken ct) =>
            http.GetCaller() is { Kind: CallerKind.User } me
                ? AssignAsync(GraphJson.Id(me.PrincipalId), http, db, time, ct)
                : Task.FromResult<IResult>(GraphError.MeNeedsDelegatedCaller())).RequirePermission(Permission.ManageUserLicenses);
        graph.MapGet("/users/{id}/licenseDetails", DetailsAsync).RequirePermission(Permission.ReadDirectory);
        graph.MapGet("/me/licenseDetails", (HttpContext http, SkuldDb db, CancellationToken ct) =>
            http.GetCaller() is { Kind: CallerKind.User } me
                ? DetailsAsync(GraphJson.Id(me.PrincipalId), http, db, ct)
                : Task.FromResult<IResult>(GraphError.MeNeedsDelegatedCaller())).RequireCaller();
    }

    private static async Task<IResult> AssignAsync(string id, HttpContext http, SkuldDb db, TimeProvider time, CancellationToken ct)
    {
        var caller = http.GetCaller();
        var (request, requestError) = await GraphJson.ReadAsync(http.Request, AssignLicenseRequest.Read, ct);
        if (request is null)
        {
            return requestError!; // ReadAsync returns an error whenever it returns no value
        }

        var user = await UserLookup.FindAsync(db, caller.TenantId, id, ct);
        if (user is null)
        {
            return GraphError.NotFound(id);
        }

        var result = await DirectLicensing.AssignAsync(
            db, caller.TenantId, user.Id, request.Add, request.Remove, caller.Actor, CorrelationId(http), time, ct);
        switch (result)
        {
            case DirectLicenseResult.Refused refused:
                return ToGraph(refused.Failure);
            case DirectLicenseResult.UserNotFound:
                return GraphError.NotFound(id);
        }

        db.ChangeTracker.Clear();
        // The change is committed; a DELETE may still have removed the user since.
        var updated = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.TenantId == caller.TenantId && u.Id == user.Id, ct);
        if (updated is null)
        {
            return GraphError.NotFound(id);
        }

        var licenses = (await UserLicensesLoader.LoadAsync(db, caller.TenantId, [user.Id], ct))[user.Id];
        var json = UserJson.Write(updated, [.. UserJson.DefaultProperties, "assignedLicenses", "assignedPlans"], licenses);
        json.Insert(0, "@odata.context", GraphJson.ContextBase + "users/$entity");
        return GraphJson.Ok(json);
    }

    /// <summary>Every refusal of the engine as Graph answers it: one exhaustive switch.</summary>
    public static GraphError ToGraph(DirectFailure failure)
    {
        var message = DirectFailureMessages.Describe(failure);
        return failure.Code switch
        {
            DirectFailureCode.UnknownSku
                or DirectFailureCode.NotAssignableToUser
                or DirectFailureCode.DisabledPlanNotInSku
                or DirectFailureCode.InvalidUsageLocation
                or DirectFailureCode.ProhibitedInUsageLocation
                or DirectFailureCode.NoAvailableLicenses
                or DirectFailureCode.MutuallyExclusive
                or DirectFailureCode.Dependency
                or DirectFailureCode.InheritedLicense
                or DirectFailureCode.ProxyAddressInUse => GraphError.BadRequest(message),
        };
    }

    private static Guid CorrelationId(HttpContext http) =>
        Guid.TryParse(http.Request.Headers["client-request-id"].FirstOrDefault(), out var id) ? id : Guid.NewGuid();

    private static async Task<IResult> DetailsAsync(string id, HttpContext http, SkuldDb db, CancellationToken ct)
    {
        var caller = http.GetCaller();
        var user = await UserLookup.FindAsync(db, caller.TenantId, id, ct);
        if (user is null)
        {
            return GraphError.NotFound(id);
        }

        var licenses = (await UserLicensesLoader.LoadAsync(db, caller.TenantId, [user.Id], ct))[user.Id];
        var items = licenses.Effective.Select(license =>
        {
            var product = licenses.FindProduct(license.SkuId);
            return (JsonNode)new JsonObject
            {
                ["id"] = LicenseDetailsId(caller.TenantId, license.SkuId),
                ["skuId"] = GraphJson.Id(license.SkuId),
                ["skuPartNumber"] = product?.PartNumber,
                ["servicePlans"] = new JsonArray([.. (product?.Plans ?? []).Select(p => (JsonNode)new JsonObject
                {
                    ["servicePlanId"] = GraphJson.Id(p.Id),
                    ["servicePlanName"] = p.Name,
                    ["provisioningStatus"] = license.DisabledPlans.Contains(p.Id) ? "Disabled" : "Success",
                    ["appliesTo"] = p.AppliesTo.ToString(),
                })]),
            };
        });
        return GraphJson.Ok(GraphJson.Collection($"users('{GraphJson.Id(user.Id)}')/licenseDetails", items));
    }

    /// <summary>Graph's licenseDetails id: base64url (no padding) of the tenant id's bytes followed by the SKU id's.</summary>
    public static string LicenseDetailsId(Guid tenantId, Guid skuId)
    {
        var bytes = new byte[32];
        tenantId.TryWriteBytes(bytes.AsSpan(0, 16));
        skuId.TryWriteBytes(bytes.AsSpan(16, 16));
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
