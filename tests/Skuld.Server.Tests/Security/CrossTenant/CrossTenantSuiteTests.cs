using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Graph.Models.ODataErrors;
using Skuld.Server.Tests.Audit;
using Skuld.Server.Tests.Infrastructure;
using Skuld.Testing;

namespace Skuld.Server.Tests.Security.CrossTenant;

/// <summary>
/// Issue #4's cross-tenant acceptance: with tenant A's Global Administrator token (user and app), every route the
/// server maps is tried on tenant B's ids (users, UPNs, groups, SKUs, subscribed SKUs, audit events, the native
/// history and reprocess endpoints, recipients and contacts, tenant settings, the token endpoint) → 404/403/400 with the exact error and nothing of B's in the
/// body, and B's rows unchanged; the same requests as <c>$batch</c> steps; and <c>$filter</c> on A's collections naming
/// B's ids, UPNs and names → nothing of B's.
/// </summary>
public sealed class CrossTenantSuiteTests(CrossTenantWorlds worlds) : IClassFixture<CrossTenantWorlds>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static IEnumerable<TheoryDataRow<StoreKind, Principal, string>> Rows() =>
        from kind in Enum.GetValues<StoreKind>()
        from principal in Enum.GetValues<Principal>()
        from c in CrossTenantCases.All
        select new TheoryDataRow<StoreKind, Principal, string>(kind, principal, c.Name);

    public static IEnumerable<TheoryDataRow<StoreKind, Principal>> Callers() =>
        from kind in Enum.GetValues<StoreKind>()
        from principal in Enum.GetValues<Principal>()
        select new TheoryDataRow<StoreKind, Principal>(kind, principal);

    [Fact]
    public void Case_names_are_unique() =>
        Assert.Equal(CrossTenantCases.All.Count, CrossTenantCases.All.Select(c => c.Name).Distinct().Count());

    /// <summary>A route mapped without a row here fails this test: a new endpoint cannot be left out of the suite.</summary>
    [Fact]
    public async Task Every_mapped_route_has_a_cross_tenant_case()
    {
        await using var server = await SkuldServer.StartAsync(StoreKind.Sqlite);
        var mapped = server.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"])
                .Select(method => $"{method} {Normalise(e.RoutePattern.RawText)}"))
            .Distinct()
            .Order()
            .ToList();
        var covered = CrossTenantCases.All
            .Select(c => c.Route == CrossTenantCases.FallbackRoute ? $"* {c.Route}" : $"{c.Method} {c.Route}")
            .Append($"POST {CrossTenantCases.BatchRoute}") // every batchable case, as steps (Every_case_as_a_batch_step…)
            .ToHashSet();

        var missing = mapped.Where(route => !covered.Contains(route)).ToList();
        Assert.True(missing.Count == 0, $"routes without a cross-tenant case:\n{string.Join('\n', missing)}\n\nall mapped:\n{string.Join('\n', mapped)}");
        var stale = covered.Where(route => !mapped.Contains(route)).ToList();
        Assert.True(stale.Count == 0, $"cases for routes the server does not map:\n{string.Join('\n', stale)}\n\nall mapped:\n{string.Join('\n', mapped)}");
    }

    [Theory, MemberData(nameof(Rows))]
    public async Task A_request_on_Bs_ids_gets_an_error_and_nothing_of_B(StoreKind kind, Principal principal, string name)
    {
        var world = await worlds.GetAsync(kind);
        var c = CrossTenantCases.All.Single(x => x.Name == name);
        var client = c.Form ? world.Server.CreateClient() : await world.ClientAsync(principal);
        var url = world.Resolve(c.Url);
        var body = c.Body is null ? null : world.Resolve(c.Body);
        var before = await world.SnapshotOfBAsync();

        using var request = new HttpRequestMessage(new HttpMethod(c.Method), url);
        if (body is not null)
        {
            request.Content = c.Form
                ? new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded")
                : new StringContent(body, Encoding.UTF8, "application/json");
        }

        var response = await client.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        if (response.IsSuccessStatusCode && c.Method != "GET" && body is not null)
        {
            // A's own write: the addresses it stored (a contact in B's domain, say) are A's data from now on.
            world.AddAOwnAddresses(body);
        }

        AssertOutcome(world, c.ExpectedFor(principal), (int)response.StatusCode, response.Content.Headers.ContentType, text, $"{c.Name} ({principal})");
        world.AssertHoldsNothingOfB(text, url + body, c.Name);
        CrossTenantWorld.AssertUnchanged(before, await world.SnapshotOfBAsync(), c.Name);
    }

    public static IEnumerable<TheoryDataRow<StoreKind, Principal, string>> SdkRows() =>
        from kind in Enum.GetValues<StoreKind>()
        from principal in Enum.GetValues<Principal>()
        from name in CrossTenantSdkCalls.ByCase.Keys
        select new TheoryDataRow<StoreKind, Principal, string>(kind, principal, name);

    [Fact]
    public void Every_graph_error_case_has_an_sdk_call()
    {
        var graphErrors = CrossTenantCases.All.Where(c => c.Batchable && c.Expected is Expect.GraphError && c.Route != CrossTenantCases.FallbackRoute)
            .Select(c => c.Name).Order().ToList();
        Assert.Equal(graphErrors, CrossTenantSdkCalls.ByCase.Keys.Order().ToList());
    }

    /// <summary>The Graph cases through the official SDK: an ODataError with exactly the case's status, code and message.</summary>
    [Theory, MemberData(nameof(SdkRows))]
    public async Task Through_the_Graph_sdk_a_request_on_Bs_ids_fails_with_Graphs_error(StoreKind kind, Principal principal, string name)
    {
        var world = await worlds.GetAsync(kind);
        var expected = Assert.IsType<Expect.GraphError>(CrossTenantCases.All.Single(c => c.Name == name).ExpectedFor(principal));
        var graph = world.Server.Graph(await world.TokenAsync(principal));
        var before = await world.SnapshotOfBAsync();

        var error = await Assert.ThrowsAsync<ODataError>(() => CrossTenantSdkCalls.ByCase[name](graph, world));

        Assert.Equal(expected.Status, error.ResponseStatusCode);
        Assert.Equal(expected.Code, error.Error?.Code);
        Assert.Equal(world.Resolve(expected.Message), error.Error?.Message);
        CrossTenantWorld.AssertUnchanged(before, await world.SnapshotOfBAsync(), name);
    }

    /// <summary>Every Graph case again, as steps of <c>POST /v1.0/$batch</c> (20 a batch): each step's status and body checked.</summary>
    [Theory, MemberData(nameof(Callers))]
    public async Task Every_case_as_a_batch_step_gets_the_same_answer(StoreKind kind, Principal principal)
    {
        var world = await worlds.GetAsync(kind);
        var client = await world.ClientAsync(principal);
        var cases = CrossTenantCases.All.Where(c => c.Batchable).ToList();
        Assert.True(cases.Count > 40, "most cases are Graph requests");
        var before = await world.SnapshotOfBAsync();

        foreach (var chunk in cases.Chunk(20))
        {
            var steps = chunk.Select((c, i) => Step(i.ToString(System.Globalization.CultureInfo.InvariantCulture), c.Method,
                world.Resolve(c.Url)["/v1.0".Length..], c.Body is null ? null : JsonNode.Parse(world.Resolve(c.Body))));
            var response = await client.PostAsync("/v1.0/$batch",
                new StringContent(new JsonObject { ["requests"] = new JsonArray([.. steps]) }.ToJsonString(), Encoding.UTF8, "application/json"), Ct);
            var text = await response.Content.ReadAsStringAsync(Ct);
            Assert.True((int)response.StatusCode == 200, $"$batch: {(int)response.StatusCode} {CrossTenantWorld.Shorten(text)}");
            var answers = JsonDocument.Parse(text).RootElement.GetProperty("responses").EnumerateArray()
                .ToDictionary(r => r.GetProperty("id").GetString()!); // Why '!': every batch response has its step's id.
            Assert.Equal(chunk.Length, answers.Count);
            for (var i = 0; i < chunk.Length; i++)
            {
                var c = chunk[i];
                var answer = answers[i.ToString(System.Globalization.CultureInfo.InvariantCulture)];
                var stepBody = answer.TryGetProperty("body", out var b) ? b.GetRawText() : "";
                var contentType = answer.TryGetProperty("headers", out var headers)
                    && headers.EnumerateObject().FirstOrDefault(h => h.Name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)) is { Value.ValueKind: JsonValueKind.String } h
                    ? MediaTypeHeaderValue.Parse(h.Value.GetString()!) // Why '!': checked to be a string.
                    : null;
                AssertOutcome(world, c.ExpectedFor(principal), answer.GetProperty("status").GetInt32(), contentType, stepBody, $"$batch step {c.Name} ({principal})");
                world.AssertHoldsNothingOfB(stepBody, world.Resolve(c.Url) + (c.Body is null ? "" : world.Resolve(c.Body)), $"$batch step {c.Name}");
            }

            world.AssertHoldsNothingOfB(text, string.Join(' ', chunk.Select(c => world.Resolve(c.Url) + world.Resolve(c.Body ?? ""))), "$batch");
        }

        CrossTenantWorld.AssertUnchanged(before, await world.SnapshotOfBAsync(), "$batch");
    }

    /// <summary>A step can't leave /v1.0 to reach the native API with B's ids.</summary>
    [Theory, MemberData(nameof(Callers))]
    public async Task A_batch_step_cannot_reach_the_native_api(StoreKind kind, Principal principal)
    {
        var world = await worlds.GetAsync(kind);
        var client = await world.ClientAsync(principal);
        string[] urls =
        [
            world.Resolve("/../api/users/{bUser}/licenses?at={at}"),
            world.Resolve("https://graph.microsoft.com/api/groups/{bGroup}/reprocess"),
            world.Resolve("http://localhost/api/users/{bUser}/licenses?at={at}"),
        ];
        var steps = urls.Select((url, i) => Step($"{i}", "GET", url, null));
        var response = await client.PostAsync("/v1.0/$batch",
            new StringContent(new JsonObject { ["requests"] = new JsonArray([.. steps]) }.ToJsonString(), Encoding.UTF8, "application/json"), Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        world.AssertHoldsNothingOfB(text, string.Join(' ', urls), "$batch to /api");
        if ((int)response.StatusCode == 200)
        {
            foreach (var answer in JsonDocument.Parse(text).RootElement.GetProperty("responses").EnumerateArray())
            {
                Assert.True(answer.GetProperty("status").GetInt32() is 400 or 404, answer.GetRawText());
            }
        }
        else
        {
            Assert.Equal(400, (int)response.StatusCode);
        }
    }

    /// <summary>The filters that name B's objects, on A's collections; each must find nothing (or only A's objects).</summary>
    public static readonly (string Collection, string Filter)[] Filters =
    [
        ("users", "id eq '{bUser}'"),
        ("users", "id in ('{bUser}', '{bAdmin}', '{bBystander}')"),
        ("users", "userPrincipalName eq '{bUpn}'"),
        ("users", "startswith(userPrincipalName, 'victim')"),
        ("users", "displayName eq '" + CrossTenantWorld.VictimName + "'"),
        ("users", "startswith(displayName, 'Fabrikam')"),
        ("users", "assignedLicenses/any(x:x/skuId eq {bSku})"),
        ("groups", "id eq '{bGroup}'"),
        ("groups", "displayName eq '" + CrossTenantWorld.GroupName + "'"),
        ("groups", "startswith(displayName, 'Fabrikam')"),
        ("groups", "assignedLicenses/any(x:x/skuId eq {bSku})"),
        ("groups", "hasMembersWithLicenseErrors eq true"),
        ("auditLogs/directoryAudits", "targetResources/any(t:t/id eq '{bUser}')"),
        ("auditLogs/directoryAudits", "targetResources/any(t:t/id eq '{bGroup}' or t/id eq '{bBystander}')"),
        ("auditLogs/directoryAudits", "targetResources/any(t:t/userPrincipalName eq '{bUpn}')"),
        ("auditLogs/directoryAudits", "targetResources/any(t:startswith(t/displayName, 'Fabrikam'))"),
        ("auditLogs/directoryAudits", "initiatedBy/user/id eq '{bAdmin}'"),
        ("auditLogs/directoryAudits", "initiatedBy/user/userPrincipalName eq '{bAdminUpn}'"),
        ("auditLogs/directoryAudits", "startswith(initiatedBy/user/userPrincipalName, 'admin@fabrikam')"),
        ("auditLogs/directoryAudits", "correlationId eq '{bCorrelation}'"),
        ("auditLogs/directoryAudits", "activityDisplayName eq 'Set group license'"),
        ("auditLogs/directoryAudits", "initiatedBy/app/appId eq '{bAppId}'"),
    ];

    [Theory, MemberData(nameof(Callers))]
    public async Task Filters_naming_Bs_objects_find_nothing_through_the_Graph_sdk(StoreKind kind, Principal principal)
    {
        var world = await worlds.GetAsync(kind);
        var graph = world.Server.Graph(await world.TokenAsync(principal));
        foreach (var (collection, template) in Filters)
        {
            var filter = world.Resolve(template);
            IEnumerable<string?> ids = collection switch
            {
                "users" => (await graph.Users.GetAsync(r => r.QueryParameters.Filter = filter, Ct))!.Value!.Select(u => u.Id),
                "groups" => (await graph.Groups.GetAsync(r => r.QueryParameters.Filter = filter, Ct))!.Value!.Select(g => g.Id),
                _ => (await graph.AuditLogs.DirectoryAudits.GetAsync(r => r.QueryParameters.Filter = filter, Ct))!.Value!.Select(e => e.Id),
            };
            Assert.True(!ids.Any(), $"{collection}?$filter={filter} found [{string.Join(", ", ids)}]");
        }

        // The same filters on what both tenants have: A's objects only.
        var licensed = (await graph.Users.GetAsync(r => r.QueryParameters.Filter = $"assignedLicenses/any(x:x/skuId eq {CrossTenantWorld.SharedSku})", Ct))!.Value!;
        Assert.Equal([world.AUser.Id.ToString()], licensed.Select(u => u.Id));
        var added = (await graph.AuditLogs.DirectoryAudits.GetAsync(r => r.QueryParameters.Filter = "activityDisplayName eq 'Add member to group'", Ct))!.Value!;
        Assert.NotEmpty(added);
        Assert.All(added, e => Assert.Contains(e.TargetResources!, t => t.Id == world.AGroup.ToString()));
    }

    /// <summary>The same filters as raw requests and as $batch steps, with the whole body checked for B's markers.</summary>
    [Theory, MemberData(nameof(Callers))]
    public async Task Filters_naming_Bs_objects_find_nothing_directly_and_in_a_batch(StoreKind kind, Principal principal)
    {
        var world = await worlds.GetAsync(kind);
        var client = await world.ClientAsync(principal);
        var urls = Filters.Select(f => $"/{f.Collection}?$filter={Uri.EscapeDataString(world.Resolve(f.Filter))}")
            // Relationship collections take no $filter in Skuld: refused, never B's data.
            .Concat([
                world.Resolve("/users/{aUser}/memberOf?$filter=") + Uri.EscapeDataString(world.Resolve("id eq '{bGroup}'")),
                world.Resolve("/groups/{aGroup}/members?$filter=") + Uri.EscapeDataString(world.Resolve("id eq '{bUser}'")),
                world.Resolve("/groups/{aGroup}/membersWithLicenseErrors?$filter=") + Uri.EscapeDataString(world.Resolve("id eq '{bBystander}'")),
                "/subscribedSkus?$filter=" + Uri.EscapeDataString(world.Resolve("skuId eq {bSku}")),
            ])
            .ToList();
        foreach (var url in urls)
        {
            var response = await client.GetAsync("/v1.0" + url, Ct);
            var text = await response.Content.ReadAsStringAsync(Ct);
            AssertEmptyOrRefused((int)response.StatusCode, text, url);
            world.AssertHoldsNothingOfB(text, url + Uri.UnescapeDataString(url), url);
        }

        foreach (var chunk in urls.Chunk(20))
        {
            var steps = chunk.Select((url, i) => Step($"{i}", "GET", url, null));
            var response = await client.PostAsync("/v1.0/$batch",
                new StringContent(new JsonObject { ["requests"] = new JsonArray([.. steps]) }.ToJsonString(), Encoding.UTF8, "application/json"), Ct);
            var text = await response.Content.ReadAsStringAsync(Ct);
            Assert.Equal(200, (int)response.StatusCode);
            foreach (var answer in JsonDocument.Parse(text).RootElement.GetProperty("responses").EnumerateArray())
            {
                var url = chunk[int.Parse(answer.GetProperty("id").GetString()!, System.Globalization.CultureInfo.InvariantCulture)]; // Why '!': ids are ours.
                var body = answer.GetProperty("body").GetRawText();
                AssertEmptyOrRefused(answer.GetProperty("status").GetInt32(), body, "$batch " + url);
                world.AssertHoldsNothingOfB(body, url + Uri.UnescapeDataString(url), "$batch " + url);
            }
        }
    }

    /// <summary>A 200 whose <c>value</c> holds only A's objects (subscribedSkus ignores $filter), or Graph's "Unsupported Query.".</summary>
    private static void AssertEmptyOrRefused(int status, string body, string what)
    {
        var json = JsonDocument.Parse(body).RootElement;
        if (status == 400)
        {
            Assert.Equal("Request_UnsupportedQuery", json.GetProperty("error").GetProperty("code").GetString());
            Assert.True(what.Contains("memberOf", StringComparison.Ordinal) || what.Contains("/members", StringComparison.Ordinal)
                || what.Contains("membersWithLicenseErrors", StringComparison.Ordinal), $"{what}: refused, but it is a filterable collection: {body}");
            return;
        }

        Assert.True(status == 200, $"{what}: {status} {CrossTenantWorld.Shorten(body)}");
        var value = json.GetProperty("value");
        if (!what.Contains("subscribedSkus", StringComparison.Ordinal))
        {
            Assert.True(value.GetArrayLength() == 0, $"{what}: found {CrossTenantWorld.Shorten(body)}");
        }
    }

    private static void AssertOutcome(CrossTenantWorld world, Expect expected, int status, MediaTypeHeaderValue? contentType, string body, string what)
    {
        switch (expected)
        {
            case Expect.GraphError e:
                Assert.True(status == e.Status, $"{what}: expected {e.Status} {e.Code}, got {status}: {CrossTenantWorld.Shorten(body)}");
                Assert.Equal("application/json", contentType?.MediaType);
                var error = JsonDocument.Parse(body).RootElement.GetProperty("error");
                Assert.Equal(e.Code, error.GetProperty("code").GetString());
                Assert.Equal(world.Resolve(e.Message), error.GetProperty("message").GetString());
                Assert.True(Guid.TryParse(error.GetProperty("innerError").GetProperty("request-id").GetString(), out _));
                break;
            case Expect.Problem p:
                Assert.True(status == p.Status, $"{what}: expected {p.Status} {p.Code}, got {status}: {CrossTenantWorld.Shorten(body)}");
                Assert.Equal("application/problem+json", contentType?.MediaType);
                var problem = JsonDocument.Parse(body).RootElement;
                Assert.Equal(p.Code, problem.GetProperty("code").GetString());
                Assert.Equal($"urn:skuld:problem:{p.Code}", problem.GetProperty("type").GetString());
                break;
            case Expect.OAuth o:
                Assert.True(status == o.Status, $"{what}: expected {o.Status} {o.Error}, got {status}: {CrossTenantWorld.Shorten(body)}");
                Assert.Equal(o.Error, JsonDocument.Parse(body).RootElement.GetProperty("error").GetString());
                break;
            case Expect.Success s:
                Assert.True(status == s.Status, $"{what}: expected {s.Status}, got {status}: {CrossTenantWorld.Shorten(body)}");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(expected));
        }
    }

    private static JsonObject Step(string id, string method, string url, JsonNode? body)
    {
        var step = new JsonObject { ["id"] = id, ["method"] = method, ["url"] = url };
        if (body is not null)
        {
            step["headers"] = new JsonObject { ["Content-Type"] = "application/json" };
            step["body"] = body;
        }

        return step;
    }

    /// <summary>Route parameters as the table writes them: <c>{id}</c>, <c>{**path}</c> (constraints dropped).</summary>
    private static string Normalise(string? pattern) =>
        System.Text.RegularExpressions.Regex.Replace(pattern ?? "", @"\{(\**)([A-Za-z]+)(:[^}]*)?\}", "{$1$2}");
}
