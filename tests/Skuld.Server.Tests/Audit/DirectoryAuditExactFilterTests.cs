using System.Net;
using Microsoft.EntityFrameworkCore;
using Skuld.Server.Tests.Infrastructure;
using Skuld.Store.Audit;
using Skuld.Store.Auth;
using Skuld.Testing;

namespace Skuld.Server.Tests.Audit;

/// <summary>
/// The initiator and target filters of directoryAudits read indexed columns, not the JSON as text: an id that
/// appears only inside a modified property's value, or a UPN that is only a substring of the initiator's, or only
/// the target's or an app's name, never matches. The hash chain still verifies over the same events.
/// </summary>
public sealed class DirectoryAuditExactFilterTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory, AllStores]
    public async Task Initiator_and_target_filters_match_exactly_and_the_chain_still_verifies(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var tenant = await server.AddTenantAsync("contoso.com");
        var admin = await server.AddUserAsync(tenant, "admin", roles: DirectoryRole.GlobalAdministrator);
        var (ann, joann) = (Guid.NewGuid(), Guid.NewGuid());
        var (x, y, z) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var at = server.Time.GetUtcNow();
        // Y's id written raw inside a modified property (as the group writer appends license lists) and as a string.
        var first = Event(tenant.Id, Actor.ForUser(ann, "Ann@Contoso.com", "Ann"), at, x,
            $$"""[{"id":"{{x}}","displayName":"X","type":"User","userPrincipalName":"x@contoso.com","groupType":null,"modifiedProperties":[{"displayName":"Manager","oldValue":"\"{{y}}\"","newValue":[{"id":"{{y}}"}]}]}]""");
        // An initiator whose UPN has "ann@contoso.com" as a suffix and whose display name is exactly that.
        var second = Event(tenant.Id, Actor.ForUser(joann, "joann@contoso.com", "ann@contoso.com"), at.AddSeconds(1), y,
            $$"""[{"id":"{{y}}","displayName":"Y","type":"User","userPrincipalName":"y@contoso.com","groupType":null,"modifiedProperties":[]}]""");
        // An app initiator named like Ann's UPN, acting on a target whose UPN is Ann's.
        var third = Event(tenant.Id, Actor.ForApp(Guid.NewGuid(), "ann@contoso.com", Guid.NewGuid()), at.AddSeconds(2), z,
            $$"""[{"id":"{{z}}","displayName":"ann@contoso.com","type":"User","userPrincipalName":"ann@contoso.com","groupType":null,"modifiedProperties":[]}]""");
        await using (var db = server.NewDb())
        {
            db.AuditEvents.AddRange(first, second, third);
            await db.SaveChangesAsync(Ct);
        }

        var token = await server.CreateClient().UserTokenAsync(tenant.Domain, admin.UserPrincipalName);
        var graph = server.Graph(token);
        (string Filter, AuditEvent[] Expected)[] cases =
        [
            ($"targetResources/any(t:t/id eq '{y}')", [second]),
            ($"targetResources/any(t:t/id eq '{y.ToString().ToUpperInvariant()}')", [second]),
            ($"targetResources/any(t:t/id eq '{x}')", [first]),
            ($"targetResources/any(t:t/id eq '{x}' or t/id eq '{z}')", [first, third]),
            ($"targetResources/any(t:t/id eq '{y.ToString()[..8]}')", []),
            ("targetResources/any(t:t/id eq 'not-a-guid')", []),
            ($"targetResources/any(t:startswith(t/id, '{z.ToString()[..13].ToUpperInvariant()}'))", [third]),
            ("initiatedBy/user/userPrincipalName eq 'ANN@contoso.com'", [first]),
            ("initiatedBy/user/userPrincipalName eq 'nn@contoso.com'", []),
            ("startswith(initiatedBy/user/userPrincipalName, 'ann')", [first]),
            ("startswith(initiatedBy/user/userPrincipalName, 'jo')", [second]),
            ($"initiatedBy/user/id eq '{ann}'", [first]),
            ($"initiatedBy/user/id eq '{joann}' and targetResources/any(t:t/id eq '{y}')", [second]),
            ($"initiatedBy/user/id eq '{ann}' and targetResources/any(t:t/id eq '{y}')", []),
        ];
        foreach (var (filter, expected) in cases)
        {
            var page = await graph.AuditLogs.DirectoryAudits.GetAsync(r => r.QueryParameters.Filter = filter, Ct);
            var got = page!.Value!.Select(e => e.Id).Order().ToList();
            var want = expected.Select(e => $"Directory_{e.Id}").Order().ToList();
            Assert.True(want.SequenceEqual(got), $"{filter}: expected [{string.Join(", ", want)}], got [{string.Join(", ", got)}]");
        }

        var verify = await server.CreateClient(token).GetAsync("/api/audit/verify", Ct);
        Assert.Equal(HttpStatusCode.OK, verify.StatusCode);
        var report = await verify.JsonAsync();
        Assert.Equal("intact", report.GetProperty("status").GetString());
        Assert.Equal(3, report.GetProperty("count").GetInt64());
        await using var check = server.NewDb();
        Assert.Equal(3, await check.AuditEvents.CountAsync(e => e.TenantId == tenant.Id && e.Hash != null, Ct));
    }

    /// <summary>An event with hand-written targetResources JSON and its one target row, as a writer fills them.</summary>
    private static AuditEvent Event(Guid tenantId, Actor actor, DateTimeOffset at, Guid target, string targetResources)
    {
        var shaped = AuditRecord.Create(tenantId, actor, "Update user", "UserManagement", "Update", Guid.NewGuid(), at, []);
        return new AuditEvent
        {
            TenantId = tenantId,
            Id = shaped.Id,
            ActivityDateTime = at,
            ActivityDisplayName = shaped.ActivityDisplayName,
            Category = shaped.Category,
            Result = shaped.Result,
            OperationType = shaped.OperationType,
            CorrelationId = shaped.CorrelationId,
            InitiatedByUserId = shaped.InitiatedByUserId,
            InitiatedByUserPrincipalNameKey = shaped.InitiatedByUserPrincipalNameKey,
            InitiatedByAppId = shaped.InitiatedByAppId,
            InitiatedBy = shaped.InitiatedBy,
            TargetResources = targetResources,
            Targets = AuditRecord.TargetRows(tenantId, shaped.Id, [target]),
        };
    }
}
