using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Skuld.Server.Tests.Groups;
using Skuld.Server.Tests.Infrastructure;
using Skuld.Store.Auth;
using Skuld.Testing;

namespace Skuld.Server.Tests.AuditChain;

/// <summary>The native audit API: verify the hash chain, retention and the audited purge, license history.</summary>
public sealed class AuditChainApiTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task<(GroupTestKit Kit, HttpClient Admin, Guid UserId, string Upn)> LicensedUserAsync(SkuldServer server)
    {
        var kit = await GroupTestKit.StartAsync(server);
        var user = await server.AddUserAsync(kit.Tenant, "adele");
        await using (var db = server.NewDb())
        {
            await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.UsageLocation, "US"), Cancel);
        }

        return (kit, await kit.HttpAsync(), user.Id, user.UserPrincipalName);
    }

    private static async Task SetLicensesAsync(GroupTestKit kit, Guid userId, Guid[] add, Guid[] remove) =>
        await kit.Graph.Users[userId.ToString()].AssignLicense.PostAsync(new Microsoft.Graph.Users.Item.AssignLicense.AssignLicensePostRequestBody
        {
            AddLicenses = [.. add.Select(sku => new Microsoft.Graph.Models.AssignedLicense { SkuId = sku, DisabledPlans = [] })],
            RemoveLicenses = [.. remove.Select(sku => (Guid?)sku)],
        }, cancellationToken: Cancel);

    private static async Task<JsonElement> GetJsonAsync(HttpClient http, string path)
    {
        var response = await http.GetAsync(path, Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    [Theory, AllStores]
    public async Task Verify_reports_intact_then_the_event_changed_in_the_database(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var (kit, admin, userId, _) = await LicensedUserAsync(server);
        await SetLicensesAsync(kit, userId, [GroupTestKit.SkuId], []);
        await SetLicensesAsync(kit, userId, [], [GroupTestKit.SkuId]);

        var intact = await GetJsonAsync(admin, "/api/audit/verify");
        Assert.Equal("intact", intact.GetProperty("status").GetString());
        Assert.True(intact.GetProperty("count").GetInt64() >= 4);

        Guid victim;
        await using (var db = server.NewDb())
        {
            victim = await db.AuditEvents.Where(e => e.TenantId == kit.Tenant.Id && e.ActivityDisplayName == "Change user license")
                .OrderBy(e => e.Sequence).Select(e => e.Id).FirstAsync(Cancel);
            await db.Database.ExecuteSqlAsync($"UPDATE audit_events SET activity_display_name = 'Update user' WHERE id = {victim}", Cancel);
        }

        var broken = await GetJsonAsync(admin, "/api/audit/verify");
        Assert.Equal("broken", broken.GetProperty("status").GetString());
        Assert.Equal(victim, broken.GetProperty("eventId").GetGuid());
        Assert.Equal("HashMismatch", broken.GetProperty("reason").GetString());

        // Reading audit logs is needed: a License Administrator may not verify.
        await server.AddUserAsync(kit.Tenant, "licenses", roles: DirectoryRole.LicenseAdministrator);
        var licenses = server.CreateClient(await server.CreateClient().UserTokenAsync(kit.Tenant.Domain, $"licenses@{kit.Tenant.Domain}"));
        Assert.Equal(HttpStatusCode.Forbidden, (await licenses.GetAsync("/api/audit/verify", Cancel)).StatusCode);
    }

    [Theory, AllStores]
    public async Task Purge_needs_a_retention_keeps_the_chain_verifiable_and_is_audited(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var (kit, admin, userId, _) = await LicensedUserAsync(server);
        await SetLicensesAsync(kit, userId, [GroupTestKit.SkuId], []);

        var refused = await admin.PostAsync("/api/audit/purge", null, Cancel);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal("retention_not_set", (await refused.JsonAsync()).GetProperty("code").GetString());

        await server.AddUserAsync(kit.Tenant, "reader", roles: DirectoryRole.ReportsReader);
        var reader = server.CreateClient(await server.CreateClient().UserTokenAsync(kit.Tenant.Domain, $"reader@{kit.Tenant.Domain}"));
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.PostAsync("/api/audit/purge", null, Cancel)).StatusCode);

        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PutAsJsonAsync("/api/audit/retention", new { retentionDays = 0 }, Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/audit/retention", new { retentionDays = 30 }, Cancel)).StatusCode);
        Assert.Equal(30, (await GetJsonAsync(admin, "/api/audit/retention")).GetProperty("retentionDays").GetInt32());

        // Tokens expire over 40 days: sign in again.
        server.Time.Advance(TimeSpan.FromDays(40));
        kit = kit.With(await server.GraphAsync(kit.Tenant.Domain, $"admin@{kit.Tenant.Domain}"));
        admin = await kit.HttpAsync();
        await SetLicensesAsync(kit, userId, [], [GroupTestKit.SkuId]);
        int before;
        await using (var db = server.NewDb())
        {
            before = await db.AuditEvents.CountAsync(e => e.TenantId == kit.Tenant.Id, Cancel);
        }

        var purged = await admin.PostAsync("/api/audit/purge", null, Cancel);
        Assert.Equal(HttpStatusCode.OK, purged.StatusCode);
        var report = await purged.JsonAsync();
        var deleted = report.GetProperty("deleted").GetInt64();
        // Everything before the jump is gone; the removal 40 days later and the purge stay.
        Assert.Equal(before - 2, deleted);

        var intact = await GetJsonAsync(admin, "/api/audit/verify");
        Assert.Equal("intact", intact.GetProperty("status").GetString());
        Assert.Equal(3, intact.GetProperty("count").GetInt64());
        Assert.Equal(deleted + 1, intact.GetProperty("firstSequence").GetInt64());

        await using var reader2 = server.NewDb();
        var purge = await reader2.AuditEvents.SingleAsync(e => e.TenantId == kit.Tenant.Id && e.ActivityDisplayName == "Purge audit log", Cancel);
        Assert.Equal(report.GetProperty("purgeEventId").GetGuid(), purge.Id);
        Assert.Contains($"\"{deleted}\"", purge.AdditionalDetails, StringComparison.Ordinal);
        Assert.Contains("admin@contoso.com", purge.InitiatedBy, StringComparison.Ordinal);
    }

    [Theory, AllStores]
    public async Task History_answers_the_licenses_a_user_held_at_a_time(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var (kit, admin, userId, upn) = await LicensedUserAsync(server);
        var beforeAssignment = server.Time.GetUtcNow();
        // Minutes, not hours: the tokens must stay valid.
        server.Time.Advance(TimeSpan.FromMinutes(10));
        await SetLicensesAsync(kit, userId, [GroupTestKit.SkuId], []);
        var whileHeld = server.Time.GetUtcNow().AddMinutes(5);
        server.Time.Advance(TimeSpan.FromMinutes(10));
        await SetLicensesAsync(kit, userId, [], [GroupTestKit.SkuId]);
        var afterRemoval = server.Time.GetUtcNow().AddMinutes(1);

        static string At(DateTimeOffset t) => Uri.EscapeDataString(t.ToString("O"));

        var before = await GetJsonAsync(admin, $"/api/users/{upn}/licenses?at={At(beforeAssignment)}");
        Assert.Empty(before.GetProperty("licenses").EnumerateArray());

        var held = await GetJsonAsync(admin, $"/api/users/{userId}/licenses?at={At(whileHeld)}");
        var license = Assert.Single(held.GetProperty("licenses").EnumerateArray());
        Assert.Equal(GroupTestKit.SkuId, license.GetProperty("skuId").GetGuid());

        var after = await GetJsonAsync(admin, $"/api/users/{upn}/licenses?at={At(afterRemoval)}");
        Assert.Empty(after.GetProperty("licenses").EnumerateArray());
        Assert.NotEqual(JsonValueKind.Null, after.GetProperty("asOfEventId").ValueKind);

        var badTime = await admin.GetAsync($"/api/users/{upn}/licenses?at=yesterday", Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, badTime.StatusCode);
        Assert.Equal("invalid_time", (await badTime.JsonAsync()).GetProperty("code").GetString());
        var unknown = await admin.GetAsync($"/api/users/nobody@contoso.com/licenses?at={At(whileHeld)}", Cancel);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Theory, AllStores]
    public async Task The_background_sealer_seals_new_events_every_interval(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var (kit, _, userId, _) = await LicensedUserAsync(server);
        await SetLicensesAsync(kit, userId, [GroupTestKit.SkuId], []);

        server.Time.Advance(TimeSpan.FromMinutes(1));
        var unsealed = -1;
        for (var attempt = 0; attempt < 100 && unsealed != 0; attempt++)
        {
            await Task.Delay(100, Cancel);
            await using var db = server.NewDb();
            unsealed = await db.AuditEvents.CountAsync(e => e.TenantId == kit.Tenant.Id && e.Sequence == null, Cancel);
        }

        Assert.Equal(0, unsealed);
    }
}
