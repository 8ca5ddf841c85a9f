using System.Net;
using Microsoft.AspNetCore.WebUtilities;
using Skuld.Server.Tests.Infrastructure;
using Skuld.Store.Directory;
using Skuld.Testing;

namespace Skuld.Server.Tests.Security;

/// <summary>
/// Hostile and malformed requests: each is answered with its exact 4xx in Graph's envelope (never a
/// 500), and changes nothing in the store (see <see cref="StoreSnapshot"/> for the one allowed audit row).
/// </summary>
public sealed class BadInputTests(SecurityWorlds worlds) : IClassFixture<SecurityWorlds>
{
    private const string Unreadable =
        "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.";
    private const string TooLarge = "The request body exceeds the maximum size of 524288 bytes.";
    private const string InvalidFilter = "Invalid filter clause: ";
    private const string WrongMethod = "Specified HTTP method is not allowed for the request target.";
    private const string UnknownSku = "00000000-0000-0000-0000-00000000beef";

    /// <summary>Display names of users seeded for the $filter cases: hostile-looking text that must be matched literally.</summary>
    private static readonly string[] HostileNames = ["x' or 1 eq 1", "'; DROP TABLE users; --", "Zoë 😀 Ωμέγα"];

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <param name="Path">May hold <c>{user}</c> (a licensed user of the caller's tenant) and <c>{home}</c> (the tenant id).</param>
    /// <param name="Names">For requests that succeed: the display names the answer must hold, exactly.</param>
    private sealed record Case(
        string Method, string Path, Func<HttpContent?>? Body, HttpStatusCode Status, string Code, string Message,
        bool Prefix = false, string[]? Names = null);

    private static readonly Dictionary<string, Case> Cases = Build();

    public static IEnumerable<TheoryDataRow<StoreKind, string>> Rows() =>
        from kind in Enum.GetValues<StoreKind>()
        from name in Cases.Keys
        select new TheoryDataRow<StoreKind, string>(kind, name);

    [Theory, MemberData(nameof(Rows))]
    public async Task Bad_request_gets_its_graph_error_and_changes_nothing(StoreKind kind, string name)
    {
        var world = await worlds.GetAsync(kind);
        var client = await world.ClientAsync(Role.GlobalAdministrator, Principal.User);
        var user = await LicensedUserAsync(world);
        var @case = Cases[name];
        var before = await StoreSnapshot.TakeAsync(world.Server);
        using var request = new HttpRequestMessage(new HttpMethod(@case.Method),
            @case.Path.Replace("{user}", user.Id.ToString()).Replace("{home}", world.Home.Id.ToString()))
        {
            Content = @case.Body?.Invoke(),
        };

        var response = await client.SendAsync(request, Cancel);

        if (@case.Names is { } names)
        {
            await GraphAssert.StatusAsync(response, @case.Status);
            var found = (await response.JsonAsync()).GetProperty("value").EnumerateArray().Select(u => u.GetProperty("displayName").GetString());
            Assert.Equal(names.Order(), found.Order());
        }
        else
        {
            await GraphAssert.ErrorAsync(response, @case.Status, @case.Code, @case.Message.Replace("{home}", world.Home.Id.ToString()), @case.Prefix);
        }

        before.AssertUnchangedIn(await StoreSnapshot.TakeAsync(world.Server));
    }

    private static Task<User> LicensedUserAsync(SecurityWorld world) => world.OnceAsync("licensed user", async () =>
    {
        var user = await world.AddTargetAsync(world.Home, "licensed");
        foreach (var name in HostileNames)
        {
            await RenameAsync(world, await world.AddTargetAsync(world.Home, "hostile"), name);
        }

        var client = await world.ClientAsync(Role.GlobalAdministrator, Principal.User);
        var assigned = await client.PostAsync($"/v1.0/users/{user.Id}/assignLicense",
            SecurityWorld.Json($$"""{"addLicenses":[{"skuId":"{{SecurityWorld.Sku}}"}],"removeLicenses":[]}"""));
        Assert.True(assigned.IsSuccessStatusCode, await assigned.Content.ReadAsStringAsync());
        return user;
    });

    private static async Task<User> RenameAsync(SecurityWorld world, User user, string displayName)
    {
        await using var db = world.Server.NewDb();
        db.Users.Attach(user);
        user.DisplayName = displayName;
        await db.SaveChangesAsync();
        return user;
    }

    private static Func<HttpContent?> Json(string json) => () => SecurityWorld.Json(json);

    private static Func<HttpContent?> Unsized(string json) => () => new UnsizedContent(json);

    private static string CreateBody(string extra = "", string accountEnabled = "true") =>
        $$"""{"accountEnabled":{{accountEnabled}},"displayName":"New","mailNickname":"new","userPrincipalName":"bad-input@contoso.com","passwordProfile":{"password":"Str0ng-passw0rd!"}{{extra}}}""";

    private static string AssignBody(string license = $$"""{"skuId":"{{"078d2b04-f1bd-4111-bbd4-b4b1b354cef4"}}"}""", string remove = "[]") =>
        $$"""{"addLicenses":[{{license}}],"removeLicenses":{{remove}}}""";

    private static string Filter(string filter) => "/v1.0/users?$filter=" + Uri.EscapeDataString(filter);

    private static Dictionary<string, Case> Build()
    {
        var sku = SecurityWorld.Sku;
        var cases = new Dictionary<string, Case>();
        void Add(string name, Case c) => cases.Add(name, c);
        Case BadRequest(string method, string path, Func<HttpContent?>? body, string message, bool prefix = false) =>
            new(method, path, body, HttpStatusCode.BadRequest, "Request_BadRequest", message, prefix);
        Case NotFound(string method, string path, string id, Func<HttpContent?>? body = null) =>
            new(method, path, body, HttpStatusCode.NotFound, "Request_ResourceNotFound", GraphAssert.NotFound(id));
        Case Ok(string path, params string[] names) => new("GET", path, null, HttpStatusCode.OK, "", "", Names: names);

        // Bodies that are not one JSON object, on every endpoint that reads one.
        var endpoints = new (string Name, string Method, string Path)[]
        {
            ("create user", "POST", "/v1.0/users"),
            ("update user", "PATCH", "/v1.0/users/{user}"),
            ("assignLicense", "POST", "/v1.0/users/{user}/assignLicense"),
            ("me/assignLicense", "POST", "/v1.0/me/assignLicense"),
        };
        var shapes = new (string Name, string Body)[]
        {
            ("malformed JSON", """{"displayName":"""),
            ("a JSON array", """[{"displayName":"x"}]"""),
            ("a JSON string", "\"displayName\""),
            ("JSON null", "null"),
            ("an empty body", ""),
            ("trailing garbage", """{"displayName":"x"} trailing"""),
            ("two objects", """{}{}"""),
            ("a comment", """{/* hi */"displayName":"x"}"""),
        };
        foreach (var (endpoint, method, path) in endpoints)
        {
            foreach (var (shape, body) in shapes)
            {
                Add($"{endpoint}: {shape}", new(method, path, Json(body), HttpStatusCode.BadRequest, "BadRequest", Unreadable));
            }

            Add($"{endpoint}: invalid UTF-8", new(method, path, () => new ByteArrayContent([.. "{\"displayName\":\""u8, 0xFF, 0xFE, .. "\"}"u8])
            {
                Headers = { ContentType = new("application/json") },
            }, HttpStatusCode.BadRequest, "BadRequest", Unreadable));

            Add($"{endpoint}: 1 MB body with Content-Length",
                new(method, path, Json($$"""{"displayName":"{{new string('a', 1 << 20)}}"}"""), HttpStatusCode.RequestEntityTooLarge, "Request_EntityTooLarge", TooLarge));
            Add($"{endpoint}: 1 MB body without Content-Length",
                new(method, path, Unsized($$"""{"displayName":"{{new string('a', 1 << 20)}}"}"""), HttpStatusCode.RequestEntityTooLarge, "Request_EntityTooLarge", TooLarge));
            Add($"{endpoint}: JSON nested 100 deep",
                new(method, path, Json($$"""{"displayName":{{new string('[', 100)}}{{new string(']', 100)}}}"""), HttpStatusCode.BadRequest, "BadRequest", Unreadable));
            Add($"{endpoint}: JSON nested 100000 deep",
                new(method, path, Unsized(new string('[', 100_000) + new string(']', 100_000)), HttpStatusCode.BadRequest, "BadRequest", Unreadable));
        }

        Add("create user: no body at all", new("POST", "/v1.0/users", null, HttpStatusCode.BadRequest, "BadRequest", Unreadable));
        Add("update user: no body at all", new("PATCH", "/v1.0/users/{user}", null, HttpStatusCode.BadRequest, "BadRequest", Unreadable));

        // Unknown and read-only members.
        Add("create user: unknown property", BadRequest("POST", "/v1.0/users", Json(CreateBody(""","favouriteColour":"blue" """)),
            "Property 'favouriteColour' does not exist as a declared property or extension property."));
        Add("update user: unknown property", BadRequest("PATCH", "/v1.0/users/{user}", Json("""{"favouriteColour":"blue"}"""),
            "Property 'favouriteColour' does not exist as a declared property or extension property."));
        Add("update user: unknown property next to a valid one", BadRequest("PATCH", "/v1.0/users/{user}", Json("""{"displayName":"Changed","favouriteColour":"blue"}"""),
            "Property 'favouriteColour' does not exist as a declared property or extension property."));
        Add("update user: read-only id", BadRequest("PATCH", "/v1.0/users/{user}", Json($$"""{"id":"{{Guid.NewGuid()}}"}"""),
            "Property 'id' is read-only and cannot be set."));
        Add("update user: read-only assignedLicenses", BadRequest("PATCH", "/v1.0/users/{user}", Json($$"""{"assignedLicenses":[{"skuId":"{{sku}}"}]}"""),
            "Property 'assignedLicenses' is read-only and cannot be set."));
        Add("update user: unknown passwordProfile member", BadRequest("PATCH", "/v1.0/users/{user}", Json("""{"passwordProfile":{"password":"Str0ng-passw0rd!","x":1}}"""),
            "Invalid value specified for property 'passwordProfile' of resource 'User'."));
        Add("assignLicense: unknown parameter", BadRequest("POST", "/v1.0/users/{user}/assignLicense", Json("""{"addLicenses":[],"removeLicenses":[],"extra":1}"""),
            "The parameter 'extra' in the request payload is not a valid parameter for the operation 'assignLicense'."));
        Add("assignLicense: unknown assignedLicense property", BadRequest("POST", "/v1.0/users/{user}/assignLicense",
            Json(AssignBody($$"""{"skuId":"{{sku}}","bogus":1}""")),
            "The property 'bogus' does not exist on type 'microsoft.graph.assignedLicense'. Make sure to only use property names that are defined by the type."));

        // Wrong JSON types and invalid values.
        Add("update user: accountEnabled \"yes\"", BadRequest("PATCH", "/v1.0/users/{user}", Json("""{"accountEnabled":"yes"}"""),
            "Cannot convert the literal '\"yes\"' to the expected type 'Edm.Boolean' of property 'accountEnabled'."));
        Add("create user: accountEnabled \"yes\"", BadRequest("POST", "/v1.0/users", Json(CreateBody(accountEnabled: "\"yes\"")),
            "Cannot convert the literal '\"yes\"' to the expected type 'Edm.Boolean' of property 'accountEnabled'."));
        Add("update user: displayName 5", BadRequest("PATCH", "/v1.0/users/{user}", Json("""{"displayName":5}"""),
            "Cannot convert the literal '5' to the expected type 'Edm.String' of property 'displayName'."));
        Add("update user: displayName object", BadRequest("PATCH", "/v1.0/users/{user}", Json("""{"displayName":{"a":1}}"""),
            "Cannot convert the literal '{\"a\":1}' to the expected type 'Edm.String' of property 'displayName'."));
        Add("update user: otherMails string", BadRequest("PATCH", "/v1.0/users/{user}", Json("""{"otherMails":"x@y.z"}"""),
            "Cannot convert the literal '\"x@y.z\"' to the expected type 'Collection(Edm.String)' of property 'otherMails'."));
        Add("update user: usageLocation number", BadRequest("PATCH", "/v1.0/users/{user}", Json("""{"usageLocation":44}"""),
            "Cannot convert the literal '44' to the expected type 'Edm.String' of property 'usageLocation'."));
        Add("update user: usageLocation not a country", BadRequest("PATCH", "/v1.0/users/{user}", Json("""{"usageLocation":"ZZ"}"""),
            "Invalid value specified for property 'usageLocation' of resource 'User'."));
        Add("update user: displayName null", BadRequest("PATCH", "/v1.0/users/{user}", Json("""{"displayName":null}"""),
            "Invalid value specified for property 'displayName' of resource 'User'."));
        Add("update user: accountEnabled null", BadRequest("PATCH", "/v1.0/users/{user}", Json("""{"accountEnabled":null}"""),
            "Invalid value specified for property 'accountEnabled' of resource 'User'."));
        Add("update user: displayName of 300 characters", BadRequest("PATCH", "/v1.0/users/{user}", Json($$"""{"displayName":"{{new string('a', 300)}}"}"""),
            "Invalid value specified for property 'displayName' of resource 'User'."));
        Add("update user: displayName of 500 KB (under the body limit)", BadRequest("PATCH", "/v1.0/users/{user}",
            Json($$"""{"displayName":"{{new string('a', 500 * 1024)}}"}"""), "Invalid value specified for property 'displayName' of resource 'User'."));
        Add("update user: passwordProfile string", BadRequest("PATCH", "/v1.0/users/{user}", Json("""{"passwordProfile":"x"}"""),
            "Invalid value specified for property 'passwordProfile' of resource 'User'."));
        Add("update user: userPrincipalName in a foreign domain", BadRequest("PATCH", "/v1.0/users/{user}", Json("""{"userPrincipalName":"someone@fabrikam.com"}"""),
            "The domain portion of the userPrincipalName property is invalid. You must use one of the verified domain names in your organization."));
        Add("assignLicense: skuId 123", BadRequest("POST", "/v1.0/users/{user}/assignLicense", Json(AssignBody("""{"skuId":123}""")),
            "Cannot convert the literal '123' to the expected type 'Edm.Guid'."));
        Add("assignLicense: skuId null", BadRequest("POST", "/v1.0/users/{user}/assignLicense", Json(AssignBody("""{"skuId":null}""")),
            "Cannot convert the literal 'null' to the expected type 'Edm.Guid'."));
        Add("assignLicense: no skuId", BadRequest("POST", "/v1.0/users/{user}/assignLicense", Json(AssignBody("""{"disabledPlans":[]}""")),
            "Invalid value specified for property 'skuId' of resource 'assignedLicense'."));
        Add("assignLicense: disabledPlans \"x\"", BadRequest("POST", "/v1.0/users/{user}/assignLicense",
            Json(AssignBody($$"""{"skuId":"{{sku}}","disabledPlans":"x"}""")),
            "Cannot convert the literal '\"x\"' to the expected type 'Collection(Edm.Guid)'."));
        Add("assignLicense: disabledPlans [5]", BadRequest("POST", "/v1.0/users/{user}/assignLicense",
            Json(AssignBody($$"""{"skuId":"{{sku}}","disabledPlans":[5]}""")),
            "Cannot convert the literal '5' to the expected type 'Edm.Guid'."));
        Add("assignLicense: addLicenses object", BadRequest("POST", "/v1.0/users/{user}/assignLicense", Json("""{"addLicenses":{},"removeLicenses":[]}"""),
            "Cannot convert the literal '{}' to the expected type 'Collection(microsoft.graph.assignedLicense)'."));
        Add("assignLicense: addLicenses of strings", BadRequest("POST", "/v1.0/users/{user}/assignLicense", Json($$"""{"addLicenses":["{{sku}}"],"removeLicenses":[]}"""),
            $"Cannot convert the literal '\"{sku}\"' to the expected type 'microsoft.graph.assignedLicense'."));
        Add("assignLicense: removeLicenses null", BadRequest("POST", "/v1.0/users/{user}/assignLicense", Json("""{"addLicenses":[],"removeLicenses":null}"""),
            "Cannot convert the literal 'null' to the expected type 'Collection(Edm.Guid)'."));
        Add("assignLicense: removeLicenses string", BadRequest("POST", "/v1.0/users/{user}/assignLicense", Json($$"""{"addLicenses":[],"removeLicenses":"{{sku}}"}"""),
            $"Cannot convert the literal '\"{sku}\"' to the expected type 'Collection(Edm.Guid)'."));
        Add("assignLicense: removeLicenses missing", BadRequest("POST", "/v1.0/users/{user}/assignLicense", Json("""{"addLicenses":[]}"""),
            "One or more parameters of the operation 'assignLicense' are missing from the request payload. The missing parameters are: removeLicenses."));
        Add("assignLicense: empty object", BadRequest("POST", "/v1.0/users/{user}/assignLicense", Json("{}"),
            "One or more parameters of the operation 'assignLicense' are missing from the request payload. The missing parameters are: addLicenses,removeLicenses."));
        Add("assignLicense: nothing to add or remove", BadRequest("POST", "/v1.0/users/{user}/assignLicense", Json("""{"addLicenses":[],"removeLicenses":[]}"""),
            "No license changes provided. At least one license to add or remove must be specified."));
        Add("assignLicense: nested disabledPlans", BadRequest("POST", "/v1.0/users/{user}/assignLicense",
            Json(AssignBody($$"""{"skuId":"{{sku}}","disabledPlans":[{{new string('[', 20)}}{{new string(']', 20)}}]}""")),
            $"Cannot convert the literal '{new string('[', 20)}{new string(']', 20)}' to the expected type 'Edm.Guid'."));

        // Invalid GUIDs and unknown objects.
        Add("get user: id not a GUID", NotFound("GET", "/v1.0/users/not-a-guid", "not-a-guid"));
        Add("get user: empty GUID", NotFound("GET", $"/v1.0/users/{Guid.Empty}", Guid.Empty.ToString()));
        // (NUL in the URL path never reaches the server: Kestrel refuses it, and the test client won't send it.)
        Add("update user: NUL in displayName", BadRequest("PATCH", "/v1.0/users/{user}", Json("""{"displayName":"a\u0000b"}"""),
            "Invalid value specified for property 'displayName' of resource 'User'."));
        Add("update user: NUL in otherMails", BadRequest("PATCH", "/v1.0/users/{user}", Json("""{"otherMails":["a\u0000b@example.com"]}"""),
            "Invalid value specified for property 'otherMails' of resource 'User'."));
        Add("create user: NUL in userPrincipalName", BadRequest("POST", "/v1.0/users",
            Json("""{"accountEnabled":true,"displayName":"New","mailNickname":"new","userPrincipalName":"a\u0000b@contoso.com","passwordProfile":{"password":"Str0ng-passw0rd!"}}"""),
            "Invalid value specified for property 'userPrincipalName' of resource 'User'."));
        Add("get user: SQL in the id", NotFound("GET", "/v1.0/users/'%20or%20'1'='1", "' or '1'='1"));
        Add("update user: id not a GUID", NotFound("PATCH", "/v1.0/users/not-a-guid", "not-a-guid", Json("""{"displayName":"x"}""")));
        Add("delete user: id not a GUID", NotFound("DELETE", "/v1.0/users/not-a-guid", "not-a-guid"));
        Add("delete user: unknown GUID", NotFound("DELETE", "/v1.0/users/5b2b4a43-2b1e-4d44-9a9d-0e2b2a7f0001", "5b2b4a43-2b1e-4d44-9a9d-0e2b2a7f0001"));
        Add("assignLicense: user id not a GUID", NotFound("POST", "/v1.0/users/not-a-guid/assignLicense", "not-a-guid", Json(AssignBody())));
        Add("licenseDetails: user id not a GUID", NotFound("GET", "/v1.0/users/not-a-guid/licenseDetails", "not-a-guid"));
        Add("assignLicense: skuId not a GUID", BadRequest("POST", "/v1.0/users/{user}/assignLicense", Json(AssignBody("""{"skuId":"not-a-guid"}""")),
            "Cannot convert the literal '\"not-a-guid\"' to the expected type 'Edm.Guid'."));
        Add("assignLicense: removeLicenses not GUIDs", BadRequest("POST", "/v1.0/users/{user}/assignLicense", Json("""{"addLicenses":[],"removeLicenses":["not-a-guid"]}"""),
            "Cannot convert the literal '\"not-a-guid\"' to the expected type 'Edm.Guid'."));
        Add("assignLicense: disabledPlans not GUIDs", BadRequest("POST", "/v1.0/users/{user}/assignLicense",
            Json(AssignBody($$"""{"skuId":"{{sku}}","disabledPlans":["not-a-guid"]}""")),
            "Cannot convert the literal '\"not-a-guid\"' to the expected type 'Edm.Guid'."));
        Add("subscribedSku: id not a GUID", NotFound("GET", "/v1.0/subscribedSkus/not-a-guid", "not-a-guid"));
        Add("subscribedSku: SKU part not a GUID", NotFound("GET", "/v1.0/subscribedSkus/{home}_not-a-guid", "{home}_not-a-guid"));
        Add("subscribedSku: three parts", NotFound("GET", $"/v1.0/subscribedSkus/{{home}}_{sku}_{sku}", $"{{home}}_{sku}_{sku}"));
        Add("subscribedSku: a SKU the tenant never bought", NotFound("GET", $"/v1.0/subscribedSkus/{{home}}_{SecurityWorld.UnboughtSku}", $"{{home}}_{SecurityWorld.UnboughtSku}"));
        Add("organization: id not a GUID", NotFound("GET", "/v1.0/organization/not-a-guid", "not-a-guid"));

        // License requests the engine refuses (each stored as a failure audit only).
        Add("assignLicense: unknown SKU", BadRequest("POST", "/v1.0/users/{user}/assignLicense", Json(AssignBody($$"""{"skuId":"{{UnknownSku}}"}""")),
            $"License {UnknownSku} does not correspond to a valid company License."));
        Add("assignLicense: a SKU the tenant never bought", BadRequest("POST", "/v1.0/users/{user}/assignLicense",
            Json(AssignBody($$"""{"skuId":"{{SecurityWorld.UnboughtSku}}"}""")),
            $"License {SecurityWorld.UnboughtSku} does not correspond to a valid company License."));
        Add("assignLicense: disabled plan of another SKU", BadRequest("POST", "/v1.0/users/{user}/assignLicense",
            Json(AssignBody($$"""{"skuId":"{{sku}}","disabledPlans":["{{SecurityWorld.ForeignPlan}}"]}""")),
            $"Service plan {SecurityWorld.ForeignPlan} does not belong to license {sku}."));
        Add("assignLicense: unknown SKU next to a valid one", BadRequest("POST", "/v1.0/users/{user}/assignLicense",
            Json($$"""{"addLicenses":[{"skuId":"{{sku}}","disabledPlans":["{{SecurityWorld.SkuPlan}}"]},{"skuId":"{{UnknownSku}}"}],"removeLicenses":[]}"""),
            $"License {UnknownSku} does not correspond to a valid company License."));

        // $filter: syntax errors, and injection attempts that must be matched as plain text.
        Add("$filter: incomplete", BadRequest("GET", Filter("displayName eq"), null, InvalidFilter, prefix: true));
        Add("$filter: SQL statement", BadRequest("GET", Filter("'; DROP TABLE users; --"), null, InvalidFilter, prefix: true));
        Add("$filter: unbalanced quote", BadRequest("GET", Filter("displayName eq 'x"), null, InvalidFilter, prefix: true));
        Add("$filter: unknown property", BadRequest("GET", Filter("favouriteColour eq 'blue'"), null,
            "Could not find a property named 'favouriteColour' on type 'microsoft.graph.user'."));
        Add("$filter: string compared with a boolean", BadRequest("GET", Filter("accountEnabled eq 'yes'"), null, InvalidFilter, prefix: true));
        Add("$filter: 1000 nested parentheses", BadRequest("GET", Filter(new string('(', 1000) + "displayName eq 'a'" + new string(')', 1000)), null, InvalidFilter, prefix: true));
        Add("$filter: quote-escaped or 1 eq 1", Ok(Filter("displayName eq 'x'' or 1 eq 1'"), "x' or 1 eq 1"));
        Add("$filter: quote-escaped DROP TABLE", Ok(Filter("displayName eq '''; DROP TABLE users; --'"), "'; DROP TABLE users; --"));
        Add("$filter: startswith with an escaped quote", Ok(Filter("startswith(displayName,'x'' or')"), "x' or 1 eq 1"));
        Add("$filter: unicode", Ok(Filter("displayName eq 'Zoë 😀 Ωμέγα'"), "Zoë 😀 Ωμέγα"));
        Add("$filter: LIKE wildcards are literal", Ok(Filter("startswith(displayName,'%')")));
        Add("$filter: underscore is literal", Ok(Filter("startswith(displayName,'_')")));
        Add("$filter: NUL character", Ok(Filter("displayName eq 'a\0b'")));
        Add("$filter: 10000-character string", Ok(Filter($"displayName eq '{new string('a', 10_000)}'")));
        Add("$filter: 10000-character unicode prefix", Ok(Filter($"startswith(displayName,'{new string('é', 10_000)}')")));
        Add("$filter: id that is not a GUID", BadRequest("GET", Filter("id eq 'not-a-guid'"), null, "Invalid object identifier 'not-a-guid'."));
        Add("$filter: 50 or clauses", Ok(Filter(string.Join(" or ", Enumerable.Range(0, 50).Select(i => $"displayName eq 'n{i}'")))));
        // The query layer refuses expressions nested deeper than FilterTranslator.MaxDepth (100) as unsupported.
        Add("$filter: 200 or clauses", new("GET", Filter(string.Join(" or ", Enumerable.Range(0, 200).Select(i => $"displayName eq 'n{i}'"))), null,
            HttpStatusCode.BadRequest, "Request_UnsupportedQuery", "Unsupported Query."));
        Add("$filter: 200 values in", Ok(Filter($"displayName in ({string.Join(",", Enumerable.Range(0, 200).Select(i => $"'n{i}'"))})")));
        Add("$filter: unicode, ASCII letters in another case", Ok(Filter("displayName eq 'zOë 😀 Ωμέγα'"), "Zoë 😀 Ωμέγα"));
        // Decision: non-ASCII letters compare case-sensitively where the database's upper() folds only
        // ASCII (SQLite; PostgreSQL under the C locale, as in these tests). Exact text always matches.
        Add("$filter: unicode startswith", Ok(Filter("startswith(displayName,'Zoë')"), "Zoë 😀 Ωμέγα"));
        Add("$filter: NUL character in startswith", Ok(Filter("startswith(displayName,'\0')")));

        // Paging and query options.
        foreach (var top in new[] { "0", "1000", "abc", "-1", "1.5", "99999999999", "" })
        {
            Add($"$top={top}", BadRequest("GET", $"/v1.0/users?$top={top}", null, $"Invalid page size specified: '{top}'. Must be between 1 and 999 inclusive."));
        }

        foreach (var (label, token) in new[]
        {
            ("garbage", "not*base64!"),
            ("empty", ""),
            ("too short", "AQ"),
            ("wrong version", WebEncoders.Base64UrlEncode(new byte[19])),
            ("sorted token on an unsorted query", new Skuld.Server.Graph.Query.PageToken(Guid.NewGuid(), "displayName", "A").Encode()),
            ("unsorted token with a sort key", Forged()),
        })
        {
            Add($"$skiptoken: {label}", BadRequest("GET", $"/v1.0/users?$skiptoken={Uri.EscapeDataString(token)}", null, "Invalid paging token."));
        }

        Add("unknown $ option", BadRequest("GET", "/v1.0/users?$favourite=1", null, "'$favourite' is not supported by the service."));
        Add("$expand", BadRequest("GET", "/v1.0/users?$expand=manager", null, "'$expand' is not supported by the service."));
        Add("$skip", BadRequest("GET", "/v1.0/users?$skip=1", null, "'$skip' is not supported by the service."));
        Add("$top twice", BadRequest("GET", "/v1.0/users?$top=1&$top=2", null, "Query option '$top' was specified more than once, but it must be specified at most once."));
        Add("$select unknown property", BadRequest("GET", "/v1.0/users?$select=favouriteColour", null,
            "Could not find a property named 'favouriteColour' on type 'microsoft.graph.user'."));
        Add("$select unknown property on one user", BadRequest("GET", "/v1.0/users/{user}?$select=favouriteColour", null,
            "Could not find a property named 'favouriteColour' on type 'microsoft.graph.user'."));
        Add("$count without ConsistencyLevel", BadRequest("GET", "/v1.0/users?$count=true", null, "$count is not currently supported."));
        Add("$search without ConsistencyLevel", new("GET", "/v1.0/users?$search=%22displayName:a%22", null, HttpStatusCode.BadRequest, "Request_UnsupportedQuery",
            "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'"));
        Add("$orderby two properties", new("GET", "/v1.0/users?$orderby=displayName,userPrincipalName", null, HttpStatusCode.BadRequest,
            "Request_UnsupportedQuery", "Sorting not supported for current query."));
        Add("unknown plain query parameter is ignored", Ok("/v1.0/users?favourite=1&$filter=" + Uri.EscapeDataString("displayName eq 'nobody'")));

        // Unknown paths and wrong methods.
        Add("unknown resource", new("GET", "/v1.0/favourites", null, HttpStatusCode.BadRequest, "BadRequest", "Resource not found for the segment 'favourites'."));
        Add("unknown segment under a user", new("GET", "/v1.0/users/{user}/favourites", null, HttpStatusCode.BadRequest, "BadRequest",
            "Resource not found for the segment 'favourites'."));
        Add("unknown segment under me", new("GET", "/v1.0/me/favourites", null, HttpStatusCode.BadRequest, "BadRequest",
            "Resource not found for the segment 'favourites'."));
        Add("unknown segment under licenseDetails", new("GET", "/v1.0/users/{user}/licenseDetails/x/y", null, HttpStatusCode.BadRequest, "BadRequest",
            "Resource not found for the segment 'x'."));
        foreach (var (method, path) in new[]
        {
            ("PUT", "/v1.0/users/{user}"),
            ("DELETE", "/v1.0/users"),
            ("PATCH", "/v1.0/users"),
            ("GET", "/v1.0/users/{user}/assignLicense"),
            ("POST", "/v1.0/users/{user}/licenseDetails"),
            ("POST", "/v1.0/subscribedSkus"),
            ("DELETE", $"/v1.0/subscribedSkus/{{home}}_{sku}"),
            ("POST", "/v1.0/organization"),
            ("DELETE", "/v1.0/me"),
        })
        {
            Add($"{method} {path}", new(method, path, Json("{}"), HttpStatusCode.MethodNotAllowed, "Request_BadRequest", WrongMethod));
        }

        return cases;
    }

    /// <summary>A version-1 token with no sort property but a sort key: structurally valid, semantically not.</summary>
    private static string Forged()
    {
        var bytes = new byte[19 + 3];
        bytes[0] = 1;
        bytes[19] = (byte)'a';
        bytes[20] = (byte)'b';
        bytes[21] = (byte)'c';
        return WebEncoders.Base64UrlEncode(bytes);
    }
}
