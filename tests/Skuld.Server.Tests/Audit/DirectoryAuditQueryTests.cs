using System.Globalization;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Skuld.Server.Tests.Infrastructure;
using Skuld.Testing;

namespace Skuld.Server.Tests.Audit;

/// <summary>$filter, $orderby, $top and paging of directory audits, each checked against the full list.</summary>
public sealed class DirectoryAuditQueryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory, AllStores]
    public async Task Each_supported_filter_returns_exactly_the_matching_events(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var s = await AuditScenario.RunAsync(server);
        var all = await s.ListAllAsync();
        var admin = s.Admin.Id.ToString();
        var alice = s.AliceId;
        var bob = s.BobId;
        var appId = s.App.Registration.AppId.ToString();
        var correlation = all.Single(e => e.ActivityDateTime == s.At(3) && e.ActivityDisplayName == "Update user").CorrelationId;

        (string Filter, Func<DirectoryAudit, bool> Expected)[] cases =
        [
            ($"activityDateTime ge {Literal(s.At(3))}", e => e.ActivityDateTime >= s.At(3)),
            ($"activityDateTime le {Literal(s.At(2))}", e => e.ActivityDateTime <= s.At(2)),
            ($"activityDateTime ge {Literal(s.At(2))} and activityDateTime le {Literal(s.At(4))}",
                e => e.ActivityDateTime >= s.At(2) && e.ActivityDateTime <= s.At(4)),
            ($"{Literal(s.At(5))} le activityDateTime", e => e.ActivityDateTime >= s.At(5)),
            ($"activityDateTime eq {Literal(s.At(4))}", e => e.ActivityDateTime == s.At(4)),
            ("activityDisplayName eq 'Change user license'", e => e.ActivityDisplayName == "Change user license"),
            ("activityDisplayName eq 'update USER'", e => e.ActivityDisplayName == "Update user"),
            ("startswith(activityDisplayName, 'add')", e => e.ActivityDisplayName!.StartsWith("Add", StringComparison.Ordinal)),
            ("category eq 'DirectoryManagement'", e => e.Category == "DirectoryManagement"),
            ($"correlationId eq '{correlation}'", e => e.CorrelationId == correlation),
            ($"initiatedBy/user/id eq '{admin}'", e => e.InitiatedBy?.User?.Id == admin),
            ($"initiatedBy/user/id eq '{admin.ToUpperInvariant()}'", e => e.InitiatedBy?.User?.Id == admin),
            ("initiatedBy/user/id eq null", e => e.InitiatedBy?.User is null),
            ("initiatedBy/user/userPrincipalName eq 'ADMIN@contoso.com'", e => e.InitiatedBy?.User?.UserPrincipalName == "admin@contoso.com"),
            ("startswith(initiatedBy/user/userPrincipalName, 'adm')", e => e.InitiatedBy?.User?.UserPrincipalName == "admin@contoso.com"),
            ("startswith(initiatedBy/user/userPrincipalName, 'contoso')", _ => false),
            ($"initiatedBy/app/appId eq '{appId}'", e => e.InitiatedBy?.App?.AppId == appId),
            ($"initiatedBy/app/displayName eq '{AuditScenario.AppName}'", e => e.InitiatedBy?.App?.DisplayName == AuditScenario.AppName),
            ($"targetResources/any(t:t/id eq '{alice}')", e => e.TargetResources!.Any(t => t.Id == alice)),
            ($"targetResources/any(t: t/id eq '{bob}' or t/id eq '{alice}')", e => e.TargetResources!.Any(t => t.Id == alice || t.Id == bob)),
            ("targetResources/any(t: t/userPrincipalName eq 'BOB@contoso.com')", e => e.TargetResources!.Any(t => t.Id == bob)),
            ("targetResources/any(t: startswith(t/displayName, 'alice'))", e => e.TargetResources!.Any(t => t.Id == alice)),
            ("result eq 'failure'", e => e.Result == OperationResult.Failure),
            ($"activityDisplayName eq 'Change user license' and initiatedBy/user/id eq '{admin}'",
                e => e.ActivityDisplayName == "Change user license" && e.InitiatedBy?.User?.Id == admin),
            ($"category eq 'DirectoryManagement' or targetResources/any(t: t/id eq '{bob}')",
                e => e.Category == "DirectoryManagement" || e.TargetResources!.Any(t => t.Id == bob)),
        ];

        foreach (var (filter, expected) in cases)
        {
            var want = all.Where(expected).Select(e => e.Id).ToList();
            var got = (await s.ListAllAsync(filter)).Select(e => e.Id).ToList();
            Assert.True(want.SequenceEqual(got), $"{filter}: expected {want.Count} events [{string.Join(", ", want)}], got {got.Count} [{string.Join(", ", got)}]");
            Assert.True(want.Count < all.Count, $"{filter} should not match everything");
        }
    }

    [Theory, AllStores]
    public async Task Pages_of_top_events_follow_nextLink_through_every_event_once(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var s = await AuditScenario.RunAsync(server);
        var all = (await s.ListAllAsync()).Select(e => e.Id).ToList();

        var first = await s.Reader.AuditLogs.DirectoryAudits.GetAsync(r => r.QueryParameters.Top = 4, Ct);
        Assert.Equal(4, first!.Value!.Count);
        Assert.NotNull(first.OdataNextLink);

        Assert.Equal(all, (await s.ListAllAsync(top: 4)).Select(e => e.Id));
        Assert.Equal(all, (await s.ListAllAsync(top: 1)).Select(e => e.Id));
        Assert.Equal(all, (await s.ListAllAsync(top: 3, orderBy: "activityDateTime desc")).Select(e => e.Id));
        Assert.Equal(all.AsEnumerable().Reverse(), (await s.ListAllAsync(top: 3, orderBy: "activityDateTime")).Select(e => e.Id));

        var filtered = (await s.ListAllAsync($"initiatedBy/user/id eq '{s.Admin.Id}'", top: 2, orderBy: "activityDateTime asc")).ToList();
        Assert.Equal(4, filtered.Count); // alice added, alice renamed, her license removed (two events)
        Assert.Equal(filtered.Select(e => e.ActivityDateTime).Order(), filtered.Select(e => e.ActivityDateTime));
    }

    [Theory, AllStores]
    public async Task Unsupported_filters_sorts_and_tokens_get_graph_errors(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var s = await AuditScenario.RunAsync(server);
        var audits = s.Reader.AuditLogs.DirectoryAudits;

        (string Filter, string Code, string? Message)[] filters =
        [
            ("activityDisplayName ne 'Add user'", "Request_UnsupportedQuery", "Unsupported Query."),
            ("endswith(activityDisplayName, 'user')", "Request_UnsupportedQuery", "Unsupported Query."),
            ($"targetResources/any(t: t/id eq '{s.AliceId}' and t/type eq 'User')", "Request_UnsupportedQuery", "Unsupported Query."),
            ($"targetResources/any(t: t/id ne '{s.AliceId}')", "Request_UnsupportedQuery", "Unsupported Query."),
            ("resultReason eq 'x'", "Request_UnsupportedQuery", "Unsupported Query."),
            ("activityDateTime ge 'yesterday'", "Request_BadRequest", null),
            ("initiatedBy/user/id eq 'not-a-guid'", "Request_BadRequest", "Invalid object identifier 'not-a-guid'."),
            ("nosuch eq 'x'", "Request_BadRequest", "Could not find a property named 'nosuch' on type 'microsoft.graph.directoryAudit'."),
        ];
        foreach (var (filter, code, message) in filters)
        {
            var error = await Assert.ThrowsAsync<ODataError>(() => audits.GetAsync(r => r.QueryParameters.Filter = filter, Ct));
            Assert.True(error.ResponseStatusCode == 400 && error.Error?.Code == code, $"{filter}: {error.ResponseStatusCode} {error.Error?.Code} {error.Error?.Message}");
            if (message is not null)
            {
                Assert.Equal(message, error.Error?.Message);
            }
        }

        var sort = await Assert.ThrowsAsync<ODataError>(() => audits.GetAsync(r => r.QueryParameters.Orderby = ["category"], Ct));
        Assert.Equal(("Request_UnsupportedQuery", "Sorting not supported for current query."), (sort.Error?.Code, sort.Error?.Message));

        var token = await Assert.ThrowsAsync<ODataError>(() => audits.WithUrl($"{server.Server.BaseAddress}v1.0/auditLogs/directoryAudits?$skiptoken=garbage").GetAsync(cancellationToken: Ct));
        Assert.Equal(("Request_BadRequest", "Invalid paging token."), (token.Error?.Code, token.Error?.Message));

    }

    private static string Literal(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
