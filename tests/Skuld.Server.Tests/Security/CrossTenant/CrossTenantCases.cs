namespace Skuld.Server.Tests.Security.CrossTenant;

/// <summary>What a cross-tenant request must get back.</summary>
public abstract record Expect
{
    private Expect() { }

    /// <summary>Graph's error envelope with exactly this status, code and message (placeholders resolved).</summary>
    public sealed record GraphError(int Status, string Code, string Message) : Expect;

    /// <summary>The native API's ProblemDetails with exactly this status and <c>code</c>.</summary>
    public sealed record Problem(int Status, string Code) : Expect;

    /// <summary>An OAuth error of the token endpoint (<c>error</c>).</summary>
    public sealed record OAuth(int Status, string Error) : Expect;

    /// <summary>A success that can only be about A's own objects (a collection, or A's own settings).</summary>
    public sealed record Success(int Status) : Expect;
}

/// <summary>
/// One request of A's Global Administrator that names B's objects. <paramref name="Route"/> is the route pattern it
/// exercises, exactly as the server maps it (the coverage test matches it against the endpoint data source);
/// <paramref name="Url"/> and <paramref name="Body"/> are templates over <see cref="CrossTenantWorld.Resolve"/>.
/// <paramref name="AsApp"/> overrides the expectation for the app principal (no <c>/me</c> without a user).
/// </summary>
public sealed record CrossTenantCase(
    string Name, string Method, string Route, string Url, string? Body, Expect Expected, Expect? AsApp = null, bool Form = false)
{
    /// <summary>Graph routes can be sent as a <c>$batch</c> step (relative to <c>/v1.0</c>); the batch itself and others can't.</summary>
    public bool Batchable => Route.StartsWith("/v1.0/", StringComparison.Ordinal) && Route != CrossTenantCases.BatchRoute;

    public Expect ExpectedFor(Principal principal) => principal == Principal.App && AsApp is not null ? AsApp : Expected;

    public override string ToString() => Name;
}

/// <summary>
/// The table: every route the server maps, tried with B's ids in the path and in the body. Expectations are written
/// by hand from Graph's behaviour (another tenant's object does not exist: 404 with Graph's message), not derived.
/// </summary>
public static class CrossTenantCases
{
    public const string BatchRoute = "/v1.0/$batch";

    /// <summary>The <c>/v1.0</c> fallback: it takes every method, so the endpoint data source lists it under <c>*</c>.</summary>
    public const string FallbackRoute = "/v1.0/{*path}";

    private const string Upn404 = "Resource '{bUpn}' does not exist or one of its queried reference-property objects are not present.";

    private static Expect.GraphError NotFound(string id) =>
        new(404, "Request_ResourceNotFound", $"Resource '{id}' does not exist or one of its queried reference-property objects are not present.");

    private static Expect.GraphError BadRequest(string message) => new(400, "Request_BadRequest", message);

    private static readonly Expect.GraphError MeNeedsUser = new(400, "BadRequest", "/me request is only valid with delegated authentication flow.");

    private const string AddShared = """{"addLicenses":[{"skuId":"{sku}","disabledPlans":[]}],"removeLicenses":[]}""";
    private const string AddOnlyB = """{"addLicenses":[{"skuId":"{bSku}","disabledPlans":[]}],"removeLicenses":[]}""";
    private const string RemoveShared = """{"addLicenses":[],"removeLicenses":["{sku}"]}""";
    private const string RefToBUser = """{"@odata.id":"https://graph.microsoft.com/v1.0/directoryObjects/{bUser}"}""";
    private const string RefToAUser = """{"@odata.id":"https://graph.microsoft.com/v1.0/directoryObjects/{aUser}"}""";
    private const string UnknownSku = "License {bSku} does not correspond to a valid company License.";
    private const string BadDomain = "The domain portion of the userPrincipalName property is invalid. You must use one of the verified domain names in your organization.";

    public static IReadOnlyList<CrossTenantCase> All { get; } =
    [
        // Users
        new("list users", "GET", "/v1.0/users", "/v1.0/users?$top=999", null, new Expect.Success(200)),
        new("get B's user by id", "GET", "/v1.0/users/{id}", "/v1.0/users/{bUser}", null, NotFound("{bUser}")),
        new("get B's user by UPN", "GET", "/v1.0/users/{id}", "/v1.0/users/{bUpn}", null, NotFound("{bUpn}")),
        new("get B's user with $select", "GET", "/v1.0/users/{id}", "/v1.0/users/{bUser}?$select=id,licenseAssignmentStates,assignedLicenses", null, NotFound("{bUser}")),
        new("create a user in B's domain", "POST", "/v1.0/users", "/v1.0/users",
            """{"accountEnabled":true,"displayName":"Intruder","mailNickname":"intruder","userPrincipalName":"intruder@{bDomain}","passwordProfile":{"password":"{password}"}}""",
            BadRequest(BadDomain)),
        new("create a user with B's user's UPN", "POST", "/v1.0/users", "/v1.0/users",
            """{"accountEnabled":true,"displayName":"Intruder","mailNickname":"intruder","userPrincipalName":"{bUpn}","passwordProfile":{"password":"{password}"}}""",
            BadRequest(BadDomain)),
        new("rename B's user by id", "PATCH", "/v1.0/users/{id}", "/v1.0/users/{bUser}", """{"displayName":"Hijacked"}""", NotFound("{bUser}")),
        new("rename B's user by UPN", "PATCH", "/v1.0/users/{id}", "/v1.0/users/{bUpn}", """{"displayName":"Hijacked"}""", NotFound("{bUpn}")),
        new("set B's user's usage location", "PATCH", "/v1.0/users/{id}", "/v1.0/users/{bUser}", """{"usageLocation":"GB"}""", NotFound("{bUser}")),
        new("move A's user into B's domain", "PATCH", "/v1.0/users/{id}", "/v1.0/users/{aUser}", """{"userPrincipalName":"alex@{bDomain}"}""", BadRequest(BadDomain)),
        new("delete B's user by id", "DELETE", "/v1.0/users/{id}", "/v1.0/users/{bUser}", null, NotFound("{bUser}")),
        new("delete B's user by UPN", "DELETE", "/v1.0/users/{id}", "/v1.0/users/{bUpn}", null, NotFound("{bUpn}")),
        new("who am I", "GET", "/v1.0/me", "/v1.0/me", null, new Expect.Success(200), MeNeedsUser),

        // User licenses
        new("license B's user", "POST", "/v1.0/users/{id}/assignLicense", "/v1.0/users/{bUser}/assignLicense", AddShared, NotFound("{bUser}")),
        new("license B's user by UPN", "POST", "/v1.0/users/{id}/assignLicense", "/v1.0/users/{bUpn}/assignLicense", AddShared, NotFound("{bUpn}")),
        new("unlicense B's user", "POST", "/v1.0/users/{id}/assignLicense", "/v1.0/users/{bUser}/assignLicense", RemoveShared, NotFound("{bUser}")),
        new("give A's user B's product", "POST", "/v1.0/users/{id}/assignLicense", "/v1.0/users/{aUser}/assignLicense", AddOnlyB, BadRequest(UnknownSku)),
        new("give myself B's product", "POST", "/v1.0/me/assignLicense", "/v1.0/me/assignLicense", AddOnlyB, BadRequest(UnknownSku), MeNeedsUser),
        new("B's user's license details", "GET", "/v1.0/users/{id}/licenseDetails", "/v1.0/users/{bUser}/licenseDetails", null, NotFound("{bUser}")),
        new("B's user's license details by UPN", "GET", "/v1.0/users/{id}/licenseDetails", "/v1.0/users/{bUpn}/licenseDetails", null, NotFound("{bUpn}")),
        new("my license details", "GET", "/v1.0/me/licenseDetails", "/v1.0/me/licenseDetails", null, new Expect.Success(200), MeNeedsUser),
        new("reprocess B's user", "POST", "/v1.0/users/{id}/reprocessLicenseAssignment", "/v1.0/users/{bUser}/reprocessLicenseAssignment", null, NotFound("{bUser}")),
        new("reprocess B's user by UPN", "POST", "/v1.0/users/{id}/reprocessLicenseAssignment", "/v1.0/users/{bUpn}/reprocessLicenseAssignment", null, NotFound("{bUpn}")),
        new("B's user's groups", "GET", "/v1.0/users/{id}/memberOf", "/v1.0/users/{bUser}/memberOf", null, NotFound("{bUser}")),
        new("B's user's groups by UPN", "GET", "/v1.0/users/{id}/memberOf", "/v1.0/users/{bUpn}/memberOf", null, NotFound("{bUpn}")),
        new("B's user's transitive groups", "GET", "/v1.0/users/{id}/transitiveMemberOf", "/v1.0/users/{bUser}/transitiveMemberOf", null, NotFound("{bUser}")),

        // Groups
        new("list groups", "GET", "/v1.0/groups", "/v1.0/groups?$top=999", null, new Expect.Success(200)),
        new("get B's group", "GET", "/v1.0/groups/{id}", "/v1.0/groups/{bGroup}", null, NotFound("{bGroup}")),
        new("get B's group's license state", "GET", "/v1.0/groups/{id}", "/v1.0/groups/{bGroup}?$select=assignedLicenses,licenseProcessingState,hasMembersWithLicenseErrors", null, NotFound("{bGroup}")),
        new("create a group named like B's", "POST", "/v1.0/groups", "/v1.0/groups",
            """{"displayName":"Copy","mailNickname":"copy{unique}","mailEnabled":false,"securityEnabled":true}""", new Expect.Success(201)),
        new("rename B's group", "PATCH", "/v1.0/groups/{id}", "/v1.0/groups/{bGroup}", """{"displayName":"Hijacked"}""", NotFound("{bGroup}")),
        new("delete B's group", "DELETE", "/v1.0/groups/{id}", "/v1.0/groups/{bGroup}", null, NotFound("{bGroup}")),
        new("B's group's members", "GET", "/v1.0/groups/{id}/members", "/v1.0/groups/{bGroup}/members", null, NotFound("{bGroup}")),
        new("B's group's transitive members", "GET", "/v1.0/groups/{id}/transitiveMembers", "/v1.0/groups/{bGroup}/transitiveMembers", null, NotFound("{bGroup}")),
        new("B's group's groups", "GET", "/v1.0/groups/{id}/memberOf", "/v1.0/groups/{bGroup}/memberOf", null, NotFound("{bGroup}")),
        new("B's group's transitive groups", "GET", "/v1.0/groups/{id}/transitiveMemberOf", "/v1.0/groups/{bGroup}/transitiveMemberOf", null, NotFound("{bGroup}")),
        new("add A's user to B's group", "POST", "/v1.0/groups/{id}/members/$ref", "/v1.0/groups/{bGroup}/members/$ref", RefToAUser, NotFound("{bGroup}")),
        new("add B's user to A's group", "POST", "/v1.0/groups/{id}/members/$ref", "/v1.0/groups/{aGroup}/members/$ref", RefToBUser, NotFound("{bUser}")),
        new("add B's user to B's group", "POST", "/v1.0/groups/{id}/members/$ref", "/v1.0/groups/{bGroup}/members/$ref", RefToBUser, NotFound("{bGroup}")),
        new("remove B's user from B's group", "DELETE", "/v1.0/groups/{id}/members/{memberId}/$ref", "/v1.0/groups/{bGroup}/members/{bUser}/$ref", null, NotFound("{bGroup}")),
        new("remove B's user from A's group", "DELETE", "/v1.0/groups/{id}/members/{memberId}/$ref", "/v1.0/groups/{aGroup}/members/{bUser}/$ref", null, NotFound("{bUser}")),
        new("license B's group", "POST", "/v1.0/groups/{id}/assignLicense", "/v1.0/groups/{bGroup}/assignLicense", AddShared, NotFound("{bGroup}")),
        new("give A's group B's product", "POST", "/v1.0/groups/{id}/assignLicense", "/v1.0/groups/{aGroup}/assignLicense", AddOnlyB, BadRequest(UnknownSku)),
        new("B's group's members in error", "GET", "/v1.0/groups/{id}/membersWithLicenseErrors", "/v1.0/groups/{bGroup}/membersWithLicenseErrors", null, NotFound("{bGroup}")),

        // Subscribed SKUs and organization
        new("list subscribed SKUs", "GET", "/v1.0/subscribedSkus", "/v1.0/subscribedSkus", null, new Expect.Success(200)),
        new("B's subscription of the shared SKU", "GET", "/v1.0/subscribedSkus/{id}", "/v1.0/subscribedSkus/{bTenant}_{sku}", null, NotFound("{bTenant}_{sku}")),
        new("B's subscription of its own SKU", "GET", "/v1.0/subscribedSkus/{id}", "/v1.0/subscribedSkus/{bTenant}_{bSku}", null, NotFound("{bTenant}_{bSku}")),
        new("B's SKU under A's tenant id", "GET", "/v1.0/subscribedSkus/{id}", "/v1.0/subscribedSkus/{aTenant}_{bSku}", null, NotFound("{aTenant}_{bSku}")),
        new("list organizations", "GET", "/v1.0/organization", "/v1.0/organization", null, new Expect.Success(200)),
        new("B's organization", "GET", "/v1.0/organization/{id}", "/v1.0/organization/{bTenant}", null, NotFound("{bTenant}")),

        // Audit
        new("list directory audits", "GET", "/v1.0/auditLogs/directoryAudits", "/v1.0/auditLogs/directoryAudits?$top=999", null, new Expect.Success(200)),
        new("B's audit event", "GET", "/v1.0/auditLogs/directoryAudits/{id}", "/v1.0/auditLogs/directoryAudits/{bEvent}", null, NotFound("{bEvent}")),

        // Unmapped /v1.0 paths fall back to Graph's 400, naming the segment and nothing else.
        new("unknown segment under B's user", "GET", FallbackRoute, "/v1.0/users/{bUser}/manager", null,
            new Expect.GraphError(400, "BadRequest", "Resource not found for the segment 'manager'.")),

        // Native API: audit chain, retention, purge, history, group reprocess.
        new("verify the audit chain", "GET", "/api/audit/verify", "/api/audit/verify", null, new Expect.Success(200)),
        new("read retention", "GET", "/api/audit/retention", "/api/audit/retention", null, new Expect.Success(200)),
        new("set retention", "PUT", "/api/audit/retention", "/api/audit/retention", """{"retentionDays":3650}""", new Expect.Success(200)),
        new("purge", "POST", "/api/audit/purge", "/api/audit/purge", null, new Expect.Success(200)),
        new("B's user's license history", "GET", "/api/users/{id}/licenses", "/api/users/{bUser}/licenses?at={at}", null, new Expect.Problem(404, "user_not_found")),
        new("B's user's license history by UPN", "GET", "/api/users/{id}/licenses", "/api/users/{bUpn}/licenses?at={at}", null, new Expect.Problem(404, "user_not_found")),
        new("reprocess B's group", "POST", "/api/groups/{id}/reprocess", "/api/groups/{bGroup}/reprocess", null, new Expect.Problem(404, "group_not_found")),

        // Recipients (native API): B's contact, B's user's and group's addresses; A's tenant-wide reads find none of B's.
        new("add an address to B's user", "POST", "/api/users/{id}/proxyAddresses", "/api/users/{bUser}/proxyAddresses", """{"address":"smtp:intruder@{bDomain}"}""", new Expect.Problem(404, "user_not_found")),
        new("add an address to B's user by UPN", "POST", "/api/users/{id}/proxyAddresses", "/api/users/{bUpn}/proxyAddresses", """{"address":"smtp:intruder@{bDomain}"}""", new Expect.Problem(404, "user_not_found")),
        new("give A's user B's user's alias", "POST", "/api/users/{id}/proxyAddresses", "/api/users/{aUser}/proxyAddresses", """{"address":"{bUserAlias}"}""", new Expect.Problem(400, "domain_not_verified")),
        new("remove B's user's alias", "DELETE", "/api/users/{id}/proxyAddresses/{address}", "/api/users/{bUser}/proxyAddresses/{bUserAlias}", null, new Expect.Problem(404, "user_not_found")),
        new("remove B's user's alias by UPN", "DELETE", "/api/users/{id}/proxyAddresses/{address}", "/api/users/{bUpn}/proxyAddresses/{bUserAlias}", null, new Expect.Problem(404, "user_not_found")),
        new("add an address to B's group", "POST", "/api/groups/{id}/proxyAddresses", "/api/groups/{bGroup}/proxyAddresses", """{"address":"smtp:intruder@{bDomain}"}""", new Expect.Problem(404, "group_not_found")),
        new("give A's group B's group's alias", "POST", "/api/groups/{id}/proxyAddresses", "/api/groups/{aGroup}/proxyAddresses", """{"address":"{bGroupAlias}"}""", new Expect.Problem(400, "domain_not_verified")),
        new("remove B's group's alias", "DELETE", "/api/groups/{id}/proxyAddresses/{address}", "/api/groups/{bGroup}/proxyAddresses/{bGroupAlias}", null, new Expect.Problem(404, "group_not_found")),
        new("add an address to B's contact", "POST", "/api/contacts/{id}/proxyAddresses", "/api/contacts/{bContact}/proxyAddresses", """{"address":"smtp:intruder@{bDomain}"}""", new Expect.Problem(404, "contact_not_found")),
        new("remove B's contact's address", "DELETE", "/api/contacts/{id}/proxyAddresses/{address}", "/api/contacts/{bContact}/proxyAddresses/smtp:{bContactMail}", null, new Expect.Problem(404, "contact_not_found")),
        new("B's user's license errors", "GET", "/api/users/{id}/licenseErrors", "/api/users/{bBystander}/licenseErrors", null, new Expect.Problem(404, "user_not_found")),
        new("B's user's license errors by UPN", "GET", "/api/users/{id}/licenseErrors", "/api/users/{bUpn}/licenseErrors", null, new Expect.Problem(404, "user_not_found")),
        // A contact's address is any mailbox outside the tenant, B's domain included: A's own contact, nothing of B's in the answer.
        new("create a contact in B's domain", "POST", "/api/contacts", "/api/contacts", """{"displayName":"Partner","mail":"partner{unique}@{bDomain}"}""", new Expect.Success(201)),
        new("import B's contact's and user's addresses", "POST", "/api/contacts/import", "/api/contacts/import",
            """{"contacts":[{"displayName":"Imported","mail":"{bContactMail}"},{"displayName":"Imported too","mail":"{bUpn}"}]}""", new Expect.Success(200)),
        new("find B's contact's address", "GET", "/api/recipients", "/api/recipients?address={bContactMail}", null, new Expect.Success(200)),
        new("find B's user's alias", "GET", "/api/recipients", "/api/recipients?address=vic.alias@{bDomain}", null, new Expect.Success(200)),
        new("find B's domain", "GET", "/api/recipients", "/api/recipients?address=@{bDomain}", null, new Expect.Success(200)),
        new("find every address", "GET", "/api/recipients", "/api/recipients?address=*&top=1000", null, new Expect.Success(200)),
        new("duplicate addresses", "GET", "/api/recipients/duplicates", "/api/recipients/duplicates?top=1000", null, new Expect.Success(200)),
        new("read tenant settings", "GET", "/api/tenant/settings", "/api/tenant/settings", null, new Expect.Success(200)),
        new("set tenant settings", "PATCH", "/api/tenant/settings", "/api/tenant/settings", """{"nestedGroupLicensing":false}""", new Expect.Success(200)),

        // Graph contacts
        new("list contacts", "GET", "/v1.0/contacts", "/v1.0/contacts?$top=999", null, new Expect.Success(200)),
        new("get B's contact", "GET", "/v1.0/contacts/{id}", "/v1.0/contacts/{bContact}", null, NotFound("{bContact}")),
        new("get B's contact by its address", "GET", "/v1.0/contacts/{id}", "/v1.0/contacts/{bContactMail}", null, NotFound("{bContactMail}")),

        // Token endpoint: A's credentials are no good at B.
        new("A's admin signs in at B's domain", "POST", "/{tenant}/oauth2/v2.0/token", "/{bDomain}/oauth2/v2.0/token",
            "grant_type=password&username={aAdminUpn}&password={password}", new Expect.OAuth(400, "invalid_grant"), Form: true),
        new("A's admin signs in at B's tenant id", "POST", "/{tenant}/oauth2/v2.0/token", "/{bTenant}/oauth2/v2.0/token",
            "grant_type=password&username={aAdminUpn}&password={password}", new Expect.OAuth(400, "invalid_grant"), Form: true),
        new("A's app asks B for a token", "POST", "/{tenant}/oauth2/v2.0/token", "/{bDomain}/oauth2/v2.0/token",
            "grant_type=client_credentials&client_id={aAppId}&client_secret={aAppSecret}&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default",
            new Expect.OAuth(400, "unauthorized_client"), Form: true),
    ];
}
