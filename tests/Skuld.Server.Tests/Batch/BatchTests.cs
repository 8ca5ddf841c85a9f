using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Skuld.Server.Tests.Infrastructure;
using Skuld.Server.Tests.Throttling;
using Skuld.Store.Auth;
using Skuld.Testing;

namespace Skuld.Server.Tests.Batch;

/// <summary>
/// <c>POST /v1.0/$batch</c> (reference §1.10): up to 20 requests, each authorised, throttled and answered
/// exactly as if sent alone, with <c>dependsOn</c> honoured.
/// </summary>
public sealed class BatchTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory, AllStores]
    public async Task Twenty_requests_are_each_answered_as_if_sent_alone_in_the_order_sent(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var tenant = await server.AddTenantAsync("contoso.com");
        var ann = await server.AddUserAsync(tenant, "ann");
        var app = await server.AddAppAsync(tenant, "reader", DirectoryRole.GlobalReader);
        var client = server.CreateClient(await server.CreateClient().AppTokenAsync("contoso.com", app));

        var response = await client.PostBatchAsync(
            Enumerable.Range(1, 20).Select(i => BatchClient.Step($"{i}", "GET", i % 2 == 0 ? $"/users/{ann.Id}?$select=id,displayName" : "users?$select=id")),
            Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var responses = await response.ResponsesAsync(Cancel);
        Assert.Equal(Enumerable.Range(1, 20).Select(i => $"{i}"), responses.Select(r => r.GetProperty("id").GetString()));
        Assert.All(responses, r => Assert.Equal(200, r.Status()));
        Assert.Equal(ann.Id.ToString(), responses.ById("2").GetProperty("body").GetProperty("id").GetString());
        Assert.Equal(ann.Id.ToString(), responses.ById("1").GetProperty("body").GetProperty("value")[0].GetProperty("id").GetString());
        Assert.Equal("1", responses.ById("2").Header("x-ms-resource-unit"));
        Assert.StartsWith("application/json", responses.ById("2").Header("Content-Type"));
    }

    [Fact]
    public async Task Twenty_one_requests_are_refused_as_a_bad_request()
    {
        await using var server = await SkuldServer.StartAsync(StoreKind.Sqlite);
        var tenant = await server.AddTenantAsync("contoso.com");
        var app = await server.AddAppAsync(tenant, "reader", DirectoryRole.GlobalReader);
        var client = server.CreateClient(await server.CreateClient().AppTokenAsync("contoso.com", app));

        var response = await client.PostBatchAsync(Enumerable.Range(1, 21).Select(i => BatchClient.Step($"{i}", "GET", "/users")), Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.JsonAsync()).GetProperty("error");
        Assert.Equal("BadRequest", error.GetProperty("code").GetString());
        Assert.Equal("Number of individual requests in a batch exceeds the limit of 20.", error.GetProperty("message").GetString());
    }

    [Theory, AllStores]
    public async Task A_step_without_permission_is_403_and_another_tenants_user_404_while_the_others_succeed(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var contoso = await server.AddTenantAsync("contoso.com");
        var fabrikam = await server.AddTenantAsync("fabrikam.com");
        var stranger = await server.AddUserAsync(fabrikam, "stranger");
        var app = await server.AddAppAsync(contoso, "licenses", DirectoryRole.LicenseAdministrator);
        var client = server.CreateClient(await server.CreateClient().AppTokenAsync("contoso.com", app));

        var response = await client.PostBatchAsync(
        [
            BatchClient.Step("list", "GET", "/users"),
            BatchClient.Step("create", "POST", "/users", BatchClient.NewUser("bob@contoso.com")),
            BatchClient.Step("stranger", "GET", $"/users/{stranger.Id}"),
            BatchClient.Step("skus", "GET", "/subscribedSkus"),
        ], Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var responses = await response.ResponsesAsync(Cancel);
        Assert.Equal(200, responses.ById("list").Status());
        Assert.Equal(403, responses.ById("create").Status());
        Assert.Equal("Authorization_RequestDenied", responses.ById("create").ErrorCode());
        Assert.Equal(404, responses.ById("stranger").Status());
        Assert.Equal("Request_ResourceNotFound", responses.ById("stranger").ErrorCode());
        Assert.Equal($"Resource '{stranger.Id}' does not exist or one of its queried reference-property objects are not present.",
            responses.ById("stranger").GetProperty("body").GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(200, responses.ById("skus").Status());
    }

    [Fact]
    public async Task Steps_run_after_what_they_depend_on_and_fail_424_when_it_failed()
    {
        await using var server = await SkuldServer.StartAsync(StoreKind.Sqlite);
        var tenant = await server.AddTenantAsync("contoso.com");
        var app = await server.AddAppAsync(tenant, "provisioner", DirectoryRole.UserAdministrator);
        var client = server.CreateClient(await server.CreateClient().AppTokenAsync("contoso.com", app));

        // "read" is sent first but depends on "create": it only finds the user if it runs second.
        var response = await client.PostBatchAsync(
        [
            BatchClient.Step("read", "GET", "/users/bob@contoso.com", dependsOn: "create"),
            BatchClient.Step("create", "POST", "/users", BatchClient.NewUser("bob@contoso.com")),
            BatchClient.Step("missing", "GET", "/users/nobody@contoso.com"),
            BatchClient.Step("after-missing", "GET", "/users", dependsOn: "missing"),
        ], Cancel);

        var responses = await response.ResponsesAsync(Cancel);
        Assert.Equal(["read", "create", "missing", "after-missing"], responses.Select(r => r.GetProperty("id").GetString()));
        Assert.Equal(201, responses.ById("create").Status());
        Assert.Equal(200, responses.ById("read").Status());
        Assert.Equal("bob@contoso.com", responses.ById("read").GetProperty("body").GetProperty("userPrincipalName").GetString());
        Assert.Equal(404, responses.ById("missing").Status());
        Assert.Equal(424, responses.ById("after-missing").Status());
        Assert.Equal("FailedDependency", responses.ById("after-missing").ErrorCode());
    }

    public static TheoryData<string> MalformedBatches => new()
    {
        "not json",
        """{"requests":{}}""",
        """{"requests":[{"method":"GET","url":"/users"}]}""",
        """{"requests":[{"id":"1","method":"FETCH","url":"/users"}]}""",
        """{"requests":[{"id":"1","method":"GET"}]}""",
        """{"requests":[{"id":"1","method":"GET","url":"/users"},{"id":"1","method":"GET","url":"/me"}]}""",
        """{"requests":[{"id":"1","method":"GET","url":"/users","dependsOn":["9"]}]}""",
        """{"requests":[{"id":"1","method":"GET","url":"/users","dependsOn":["2"]},{"id":"2","method":"GET","url":"/me","dependsOn":["1"]}]}""",
        """{"requests":[{"id":"1","method":"GET","url":"/users","headers":{"ConsistencyLevel":1}}]}""",
    };

    [Theory, MemberData(nameof(MalformedBatches))]
    public async Task A_malformed_batch_is_400_in_graphs_envelope(string payload)
    {
        await using var server = await SkuldServer.StartAsync(StoreKind.Sqlite);
        var tenant = await server.AddTenantAsync("contoso.com");
        var app = await server.AddAppAsync(tenant, "reader", DirectoryRole.GlobalReader);
        var client = server.CreateClient(await server.CreateClient().AppTokenAsync("contoso.com", app));

        var response = await client.PostAsync("/v1.0/$batch", new StringContent(payload, Encoding.UTF8, "application/json"), Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("BadRequest", (await response.JsonAsync()).GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_step_url_outside_v1_is_refused_inside_the_batch()
    {
        await using var server = await SkuldServer.StartAsync(StoreKind.Sqlite);
        var tenant = await server.AddTenantAsync("contoso.com");
        var app = await server.AddAppAsync(tenant, "reader", DirectoryRole.GlobalReader);
        var client = server.CreateClient(await server.CreateClient().AppTokenAsync("contoso.com", app));

        var response = await client.PostBatchAsync(
        [
            BatchClient.Step("absolute", "GET", "https://graph.microsoft.com/v1.0/users"),
            BatchClient.Step("escape", "POST", "../contoso.com/oauth2/v2.0/token"),
            BatchClient.Step("nested", "POST", "/$batch", new JsonObject { ["requests"] = new JsonArray() }),
            BatchClient.Step("fine", "GET", "users"),
        ], Cancel);

        var responses = await response.ResponsesAsync(Cancel);
        foreach (var id in new[] { "absolute", "escape", "nested" })
        {
            Assert.Equal((id, 400, "BadRequest"), (id, responses.ById(id).Status(), responses.ById(id).ErrorCode()));
        }

        Assert.Equal(200, responses.ById("fine").Status());
    }

    [Fact]
    public async Task A_batch_without_a_token_is_401()
    {
        await using var server = await SkuldServer.StartAsync(StoreKind.Sqlite);

        var response = await server.CreateClient().PostBatchAsync([BatchClient.Step("1", "GET", "/users")], Cancel);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Each_step_is_throttled_on_its_own()
    {
        await using var server = await SkuldServer.StartAsync(StoreKind.Sqlite);
        var tenant = await server.AddTenantAsync("contoso.com");
        var ann = await server.AddUserAsync(tenant, "ann");
        var app = await server.AddAppAsync(tenant, "reader", DirectoryRole.GlobalReader);
        var throttled = server.WithThrottling(resourceUnits: 4, window: 8);
        var client = throttled.CreateClientWithToken(await throttled.AppTokenAsync("contoso.com", app));

        // Each GET /users/{id} costs 1 unit: four pass, the fifth and sixth are refused inside the batch.
        var response = await client.PostBatchAsync(Enumerable.Range(1, 6).Select(i => BatchClient.Step($"{i}", "GET", $"/users/{ann.Id}")), Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var responses = await response.ResponsesAsync(Cancel);
        Assert.Equal([200, 200, 200, 200, 429, 429], responses.Select(r => r.Status()));
        var refused = responses.ById("5");
        Assert.Equal("TooManyRequests", refused.ErrorCode());
        Assert.Equal("2", refused.Header("Retry-After"));
        Assert.Equal("ResourceUnitLimitExceeded", refused.Header("x-ms-throttle-information"));
        Assert.Equal($"Tenant_Application/ReadWrite/{app.Registration.AppId}/{tenant.Id}", refused.Header("x-ms-throttle-scope"));

        server.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/v1.0/users/{ann.Id}", Cancel)).StatusCode);
    }
}
