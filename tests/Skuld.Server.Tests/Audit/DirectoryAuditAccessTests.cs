using Microsoft.Graph.Models.ODataErrors;
using Skuld.Server.Tests.Infrastructure;
using Skuld.Store.Auth;
using Skuld.Testing;

namespace Skuld.Server.Tests.Audit;

/// <summary>Who may read the audit log, one event by id, and that a tenant sees only its own events.</summary>
public sealed class DirectoryAuditAccessTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory, AllStores]
    public async Task Global_administrator_global_reader_and_reports_reader_may_read_others_are_denied(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var tenant = await server.AddTenantAsync("contoso.com");
        DirectoryRole[] allowed = [DirectoryRole.GlobalAdministrator, DirectoryRole.GlobalReader, DirectoryRole.ReportsReader];
        // null: a user with no role at all.
        DirectoryRole?[] denied = [DirectoryRole.UserAdministrator, DirectoryRole.LicenseAdministrator, DirectoryRole.GroupsAdministrator, null];

        foreach (var role in allowed)
        {
            var user = await server.AddUserAsync(tenant, $"user-{role}", roles: role);
            var graph = await server.GraphForUserAsync("contoso.com", user.UserPrincipalName);
            Assert.NotNull((await graph.AuditLogs.DirectoryAudits.GetAsync(cancellationToken: Ct))?.Value);
        }

        var readerApp = await server.AddAppAsync(tenant, "Report collector", DirectoryRole.ReportsReader);
        Assert.NotNull((await (await server.GraphForAppAsync("contoso.com", readerApp)).AuditLogs.DirectoryAudits.GetAsync(cancellationToken: Ct))?.Value);

        foreach (var role in denied)
        {
            var user = role is { } r
                ? await server.AddUserAsync(tenant, $"user-{r}", roles: r)
                : await server.AddUserAsync(tenant, "plain");
            var graph = await server.GraphForUserAsync("contoso.com", user.UserPrincipalName);
            var error = await Assert.ThrowsAsync<ODataError>(() => graph.AuditLogs.DirectoryAudits.GetAsync(cancellationToken: Ct));
            Assert.Equal((403, "Authorization_RequestDenied"), (error.ResponseStatusCode, error.Error?.Code));
            var one = await Assert.ThrowsAsync<ODataError>(() => graph.AuditLogs.DirectoryAudits[$"Directory_{Guid.NewGuid()}"].GetAsync(cancellationToken: Ct));
            Assert.Equal(403, one.ResponseStatusCode);
        }
    }

    [Theory, AllStores]
    public async Task An_event_read_by_id_is_the_listed_event(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var s = await AuditScenario.RunAsync(server);

        foreach (var listed in await s.ListAllAsync())
        {
            var one = await s.Reader.AuditLogs.DirectoryAudits[listed.Id].GetAsync(cancellationToken: Ct);
            Assert.Equal(
                (listed.Id, listed.ActivityDisplayName, listed.ActivityDateTime, listed.CorrelationId, listed.Result, listed.TargetResources!.Single().Id),
                (one!.Id, one.ActivityDisplayName, one.ActivityDateTime, one.CorrelationId, one.Result, one.TargetResources!.Single().Id));
        }
    }

    [Theory, AllStores]
    public async Task Unknown_and_malformed_ids_are_not_found(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var s = await AuditScenario.RunAsync(server);

        foreach (var id in (string[])[$"Directory_{Guid.NewGuid()}", "Directory_nope", "nope", s.AliceId])
        {
            var error = await Assert.ThrowsAsync<ODataError>(() => s.Reader.AuditLogs.DirectoryAudits[id].GetAsync(cancellationToken: Ct));
            Assert.Equal((404, "Request_ResourceNotFound"), (error.ResponseStatusCode, error.Error?.Code));
            Assert.Equal($"Resource '{id}' does not exist or one of its queried reference-property objects are not present.", error.Error?.Message);
        }
    }

    [Theory, AllStores]
    public async Task Another_tenants_events_are_never_listed_and_not_found_by_id(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var s = await AuditScenario.RunAsync(server);
        var fabrikam = await server.AddTenantAsync("fabrikam.com");
        var theirAdmin = await server.AddUserAsync(fabrikam, "admin", roles: DirectoryRole.GlobalAdministrator);
        var theirs = await server.GraphForUserAsync("fabrikam.com", theirAdmin.UserPrincipalName);
        await theirs.Users[theirAdmin.Id.ToString()].PatchAsync(new Microsoft.Graph.Models.User { JobTitle = "Boss" }, cancellationToken: Ct);
        var theirEvent = Assert.Single((await theirs.AuditLogs.DirectoryAudits.GetAsync(cancellationToken: Ct))!.Value!);

        var ours = await s.ListAllAsync();
        Assert.DoesNotContain(ours, e => e.Id == theirEvent.Id);
        Assert.Empty(await s.ListAllAsync($"initiatedBy/user/id eq '{theirAdmin.Id}'"));
        Assert.Empty(await s.ListAllAsync($"targetResources/any(t: t/id eq '{theirAdmin.Id}')"));
        var error = await Assert.ThrowsAsync<ODataError>(() => s.Reader.AuditLogs.DirectoryAudits[theirEvent.Id].GetAsync(cancellationToken: Ct));
        Assert.Equal((404, "Request_ResourceNotFound"), (error.ResponseStatusCode, error.Error?.Code));

        // And the other way round: their admin sees none of ours.
        var theirList = (await theirs.AuditLogs.DirectoryAudits.GetAsync(cancellationToken: Ct))!.Value!;
        Assert.Empty(theirList.Select(e => e.Id).Intersect(ours.Select(e => e.Id)));
    }
}
