using Microsoft.Graph.Models;
using Skuld.Server.Tests.Infrastructure;
using Skuld.Testing;

namespace Skuld.Server.Tests.Audit;

/// <summary>GET /v1.0/auditLogs/directoryAudits through the Graph SDK: the events of real API changes, with actor, targets and values.</summary>
public sealed class DirectoryAuditsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory, AllStores]
    public async Task Every_change_is_listed_newest_first_with_its_actor_and_target(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var s = await AuditScenario.RunAsync(server);

        var events = await s.ListAllAsync();

        var times = events.Select(e => e.ActivityDateTime!.Value).ToList();
        Assert.Equal(times.OrderDescending(), times);
        // Events of one change share a time; their relative order is the server's (by id), not part of the contract.
        var actual = events
            .OrderByDescending(e => e.ActivityDateTime).ThenBy(e => e.ActivityDisplayName)
            .Select(e => (e.ActivityDateTime, e.ActivityDisplayName, e.Category, e.Result, Actor(e), Target(e)))
            .ToList();
        var admin = s.Admin.UserPrincipalName;
        var app = AuditScenario.AppName;
        (DateTimeOffset?, string?, string?, OperationResult?, string, string)[] expected =
        [
            (s.At(6), "Change user license", "UserManagement", OperationResult.Success, admin, "alice@contoso.com"),
            (s.At(6), "Update user", "UserManagement", OperationResult.Success, admin, "alice@contoso.com"),
            (s.At(5), "Change user license", "UserManagement", OperationResult.Failure, app, "bob@contoso.com"),
            (s.At(4), "Add user", "UserManagement", OperationResult.Success, app, "bob@contoso.com"),
            (s.At(3), "Change user license", "UserManagement", OperationResult.Success, app, "alice@contoso.com"),
            (s.At(3), "Update user", "UserManagement", OperationResult.Success, app, "alice@contoso.com"),
            (s.At(2), "Update user", "UserManagement", OperationResult.Success, admin, "alice@contoso.com"),
            (s.At(1), "Add user", "UserManagement", OperationResult.Success, admin, "alice@contoso.com"),
            (s.At(0), "Add subscription", "DirectoryManagement", OperationResult.Success, "Skuld operator", "ENTERPRISEPACK"),
        ];
        Assert.Equal(expected, actual);
        Assert.All(events, e => Assert.Equal("Core Directory", e.LoggedByService));
        Assert.All(events, e => Assert.StartsWith("Directory_", e.Id, StringComparison.Ordinal));
    }

    [Theory, AllStores]
    public async Task A_user_caller_and_an_app_caller_are_named_as_Graph_names_them(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var s = await AuditScenario.RunAsync(server);
        var events = await s.ListAllAsync();

        var byUser = events.First(e => e.ActivityDisplayName == "Add user" && e.ActivityDateTime == s.At(1));
        Assert.Null(byUser.InitiatedBy!.App);
        Assert.Equal(s.Admin.Id.ToString(), byUser.InitiatedBy.User!.Id);
        Assert.Equal(s.Admin.UserPrincipalName, byUser.InitiatedBy.User.UserPrincipalName);
        Assert.Equal(s.Admin.DisplayName, byUser.InitiatedBy.User.DisplayName);
        Assert.Equal("Add", byUser.OperationType);

        var byApp = events.First(e => e.ActivityDisplayName == "Add user" && e.ActivityDateTime == s.At(4));
        Assert.Null(byApp.InitiatedBy!.User);
        Assert.Equal(s.App.Registration.AppId.ToString(), byApp.InitiatedBy.App!.AppId);
        Assert.Equal(AuditScenario.AppName, byApp.InitiatedBy.App.DisplayName);
        Assert.Equal(s.App.Registration.Id.ToString(), byApp.InitiatedBy.App.ServicePrincipalId);
        var target = Assert.Single(byApp.TargetResources!);
        Assert.Equal(s.BobId, target.Id);
        Assert.Equal("User", target.Type);
    }

    [Theory, AllStores]
    public async Task Modified_properties_carry_old_and_new_values(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var s = await AuditScenario.RunAsync(server);
        var events = await s.ListAllAsync();

        var patch = events.Single(e => e.ActivityDateTime == s.At(2));
        var changed = Assert.Single(patch.TargetResources!).ModifiedProperties!.ToDictionary(p => p.DisplayName!);
        Assert.Equal(("\"alice\"", "\"Alice Smith\""), (changed["DisplayName"].OldValue, changed["DisplayName"].NewValue));
        Assert.Equal(("null", "\"Engineer\""), (changed["JobTitle"].OldValue, changed["JobTitle"].NewValue));

        var assigned = Single(events, s.At(3), "Change user license");
        var license = Assert.Single(assigned.TargetResources!.Single().ModifiedProperties!);
        Assert.Equal("AssignedLicense", license.DisplayName);
        Assert.Equal("[]", license.OldValue);
        Assert.Contains($"SkuName=ENTERPRISEPACK, AccountId={s.Tenant.Id}, SkuId={s.SkuId}", license.NewValue, StringComparison.Ordinal);

        var companion = Single(events, s.At(3), "Update user").TargetResources!.Single().ModifiedProperties!.Select(p => p.DisplayName);
        Assert.Equal(["AssignedLicense", "AssignedPlan", "Included Updated Properties"], companion);

        var removed = Single(events, s.At(6), "Change user license").TargetResources!.Single().ModifiedProperties!.Single();
        Assert.Contains("SkuName=ENTERPRISEPACK", removed.OldValue, StringComparison.Ordinal);
        Assert.Equal("[]", removed.NewValue);
    }

    [Theory, AllStores]
    public async Task A_refused_license_change_is_a_failure_with_its_reason(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var s = await AuditScenario.RunAsync(server);

        var failed = Assert.Single(await s.ListAllAsync("result eq 'failure'"));

        Assert.Equal("Change user license", failed.ActivityDisplayName);
        Assert.Equal(OperationResult.Failure, failed.Result);
        Assert.Equal("InvalidUsageLocation", failed.ResultReason);
        Assert.Equal(s.BobId, Assert.Single(failed.TargetResources!).Id);
        Assert.Empty(failed.TargetResources!.Single().ModifiedProperties!);
        Assert.Contains(failed.AdditionalDetails!, d => d.Key == "FailureCode" && d.Value == "InvalidUsageLocation");
        Assert.Equal(s.App.Registration.AppId.ToString(), failed.InitiatedBy!.App!.AppId);
        // The events of one request share the correlation id the client sent as client-request-id.
        Assert.True(Guid.TryParse(failed.CorrelationId, out _));
    }

    private static DirectoryAudit Single(List<DirectoryAudit> events, DateTimeOffset at, string activity) =>
        events.Single(e => e.ActivityDateTime == at && e.ActivityDisplayName == activity);

    private static string Actor(DirectoryAudit e) =>
        e.InitiatedBy?.User?.UserPrincipalName ?? e.InitiatedBy?.App?.DisplayName ?? "(none)";

    private static string Target(DirectoryAudit e) =>
        string.Join(",", (e.TargetResources ?? []).Select(t => t.UserPrincipalName ?? t.DisplayName));
}
