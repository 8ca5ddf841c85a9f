using System.Net;
using Microsoft.Graph;
using Skuld.Server.Tests.Infrastructure;
using Skuld.Server.Tests.Throttling;
using Skuld.Store.Auth;
using Skuld.Testing;
using GraphUser = Microsoft.Graph.Models.User;

namespace Skuld.Server.Tests.Batch;

/// <summary>JSON batching as the official Graph SDK does it (<c>graph.Batch.PostAsync</c>), including its splitting into batches of 20.</summary>
public sealed class GraphSdkBatchTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Graph_sdk_batch_of_25_is_sent_as_two_batches_and_every_step_is_answered()
    {
        await using var server = await SkuldServer.StartAsync(StoreKind.Sqlite);
        var tenant = await server.AddTenantAsync("contoso.com");
        var users = new List<Skuld.Store.Directory.User>();
        for (var i = 0; i < 25; i++)
        {
            users.Add(await server.AddUserAsync(tenant, $"user{i:00}"));
        }

        var app = await server.AddAppAsync(tenant, "reader", DirectoryRole.GlobalReader);
        var graph = GraphSdkClient.Create(server, await server.CreateClient().AppTokenAsync("contoso.com", app));

        var batch = new BatchRequestContentCollection(graph);
        var ids = new Dictionary<string, Guid>();
        foreach (var user in users)
        {
            ids[await batch.AddBatchRequestStepAsync(graph.Users[user.Id.ToString()].ToGetRequestInformation(
                request => request.QueryParameters.Select = ["id", "userPrincipalName"]))] = user.Id;
        }

        var responses = await graph.Batch.PostAsync(batch, Cancel);

        var statuses = await responses.GetResponsesStatusCodesAsync();
        Assert.Equal(25, statuses.Count);
        Assert.All(statuses.Values, status => Assert.Equal(HttpStatusCode.OK, status));
        foreach (var (requestId, userId) in ids)
        {
            var user = await responses.GetResponseByIdAsync<GraphUser>(requestId);
            Assert.Equal(userId.ToString(), user.Id);
        }
    }

    [Fact]
    public async Task Graph_sdk_batch_reports_403_and_404_steps_while_the_others_succeed()
    {
        await using var server = await SkuldServer.StartAsync(StoreKind.Sqlite);
        var contoso = await server.AddTenantAsync("contoso.com");
        var fabrikam = await server.AddTenantAsync("fabrikam.com");
        var stranger = await server.AddUserAsync(fabrikam, "stranger");
        var app = await server.AddAppAsync(contoso, "licenses", DirectoryRole.LicenseAdministrator);
        var graph = GraphSdkClient.Create(server, await server.CreateClient().AppTokenAsync("contoso.com", app));

        var batch = new BatchRequestContentCollection(graph);
        var list = await batch.AddBatchRequestStepAsync(graph.Users.ToGetRequestInformation());
        var create = await batch.AddBatchRequestStepAsync(graph.Users.ToPostRequestInformation(new GraphUser
        {
            AccountEnabled = true,
            DisplayName = "Bob",
            MailNickname = "bob",
            UserPrincipalName = "bob@contoso.com",
            PasswordProfile = new Microsoft.Graph.Models.PasswordProfile { Password = "Str0ng!Passw0rd" },
        }));
        var foreign = await batch.AddBatchRequestStepAsync(graph.Users[stranger.Id.ToString()].ToGetRequestInformation());

        var responses = await graph.Batch.PostAsync(batch, Cancel);

        var statuses = await responses.GetResponsesStatusCodesAsync();
        Assert.Equal(HttpStatusCode.OK, statuses[list]);
        Assert.Equal(HttpStatusCode.Forbidden, statuses[create]);
        Assert.Equal(HttpStatusCode.NotFound, statuses[foreign]);
        // Without error mappings the SDK surfaces a failed step as a ServiceException carrying the step's body.
        var denied = await Assert.ThrowsAsync<ServiceException>(() => responses.GetResponseByIdAsync<GraphUser>(create));
        Assert.Equal(403, denied.ResponseStatusCode);
        Assert.Contains("Authorization_RequestDenied", denied.RawResponseBody);
    }
}
