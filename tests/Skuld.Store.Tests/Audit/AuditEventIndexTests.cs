using System.Data.Common;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Skuld.Store.Audit;
using Skuld.Store.Directory;
using Skuld.Store.Processing;
using Skuld.Testing;

namespace Skuld.Store.Tests.Audit;

/// <summary>
/// The filter columns of audit events (initiator UPN key, one row per target id) are filled on every write
/// path and by the migration for events written before them, and always agree with the event's JSON.
/// </summary>
public sealed class AuditEventIndexTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeProvider Time = new FixedTime(Seed.Now);

    [Theory, AllStores]
    public async Task Group_processing_bulk_writes_the_target_rows_of_every_event(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, Ct);
        Guid tenantId;
        List<Guid> members;
        await using (var db = store.NewDb())
        {
            tenantId = await Seed.TenantAsync(db, units: 100);
            var groupId = Guid.NewGuid();
            db.Groups.Add(new Group { TenantId = tenantId, Id = groupId, DisplayName = "Sales", MailNickname = "sales", SecurityEnabled = true, CreatedDateTime = Seed.Now });
            members = [.. Enumerable.Range(0, 70).Select(_ => Guid.NewGuid())];
            foreach (var (id, i) in members.Select((id, i) => (id, i)))
            {
                db.Users.Add(new User { TenantId = tenantId, Id = id, UserPrincipalName = $"u{i}@contoso.com", DisplayName = $"U{i}", UsageLocation = "US", CreatedDateTime = Seed.Now });
                db.GroupMembers.Add(new GroupMember { TenantId = tenantId, GroupId = groupId, MemberId = id, MemberKind = MemberKind.User, AddedDateTime = Seed.Now.AddSeconds(i) });
            }

            db.GroupLicenses.Add(new Licensing.GroupLicense { TenantId = tenantId, GroupId = groupId, SkuId = Seed.SkuId, AssignedDateTime = Seed.Now });
            db.AuditEvents.Add(GroupLicensingAudit.GroupLicenseSet(tenantId, groupId, "Sales", [], [Seed.SkuId],
                Actor.ForUser(Guid.NewGuid(), "Admin@Contoso.com", "Admin"), Guid.NewGuid(), Seed.Now));
            LicenseWork.EnqueueGroup(db, tenantId, groupId, Actor.Operator, Guid.NewGuid(), Seed.Now);
            await db.SaveChangesAsync(Ct);
        }

        await LicenseProcessing.RunUntilIdleAsync(store.NewDb, "test", 32, Time, Ct);

        await using var reader = store.NewDb();
        var events = await reader.AuditEvents.AsNoTracking().Include(e => e.Targets).Where(e => e.TenantId == tenantId).ToListAsync(Ct);
        var perUser = events.Where(e => e.ActivityDisplayName == GroupLicensingAudit.ChangeUserLicense).ToList();
        // One target each: in the event's own column, no target rows.
        Assert.Equal(members.Order(), perUser.Select(e => e.TargetId!.Value).Order());
        Assert.All(perUser, e => Assert.Empty(e.Targets));
        AssertIndexMatchesJson(events);
        Assert.Equal("ADMIN@CONTOSO.COM", Assert.Single(events, e => e.InitiatedByUserId is not null).InitiatedByUserPrincipalNameKey);
        Assert.IsType<ChainVerification.Intact>(await AuditChain.VerifyAsync(reader, tenantId, Ct));
    }

    [Theory, AllStores]
    public async Task The_migration_backfills_the_columns_of_events_written_before_it(StoreKind kind)
    {
        await using var store = await TestStore.CreateEmptyAsync(kind, Ct);
        await using var db = store.NewDb();
        var migrations = db.Database.GetMigrations().ToList();
        var index = migrations.FindIndex(m => m.EndsWith("_AuditFilterIndex", StringComparison.Ordinal));
        Assert.True(index > 0, "the AuditFilterIndex migration exists and is not the first");
        await db.GetService<IMigrator>().MigrateAsync(migrations[index - 1], Ct);

        var tenantId = Guid.NewGuid();
        var (alice, bob, group) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var written = new[]
        {
            AuditRecord.Create(tenantId, Actor.ForUser(Guid.NewGuid(), "Admin@Contoso.com", "Admin"), "Add member to group", "GroupManagement", "Assign",
                Guid.NewGuid(), Seed.Now, [new AuditTarget(group, "Group", "Sales", null, []), new AuditTarget(alice, "User", "Alice", "alice@contoso.com", [])]),
            // Bob's id only inside a modified property's value: not a target.
            AuditRecord.Create(tenantId, Actor.ForApp(Guid.NewGuid(), "Provisioner", Guid.NewGuid()), "Update user", "UserManagement", "Update",
                Guid.NewGuid(), Seed.Now.AddMinutes(1), [new AuditTarget(alice, "User", "Alice", "alice@contoso.com",
                    [new ModifiedProperty("Manager", null, AuditRecord.Value(new { id = bob }))])]),
            AuditRecord.Create(tenantId, Actor.Operator, "Add subscription", "DirectoryManagement", "Add", Guid.NewGuid(), Seed.Now.AddMinutes(2), []),
        };
        await InsertAsBeforeAsync(db, kind, tenantId, written);

        await db.MigrateSkuldAsync(Ct);

        db.ChangeTracker.Clear();
        var events = await db.AuditEvents.AsNoTracking().Include(e => e.Targets).Where(e => e.TenantId == tenantId).OrderBy(e => e.ActivityDateTime).ToListAsync(Ct);
        Assert.Equal(written.Select(e => e.Id), events.Select(e => e.Id));
        Assert.Equal(new[] { group, alice }.Order(), events[0].Targets.Select(t => t.TargetId).Order());
        Assert.Equal([alice], events[1].Targets.Select(t => t.TargetId));
        Assert.Empty(events[2].Targets);
        Assert.Equal(["ADMIN@CONTOSO.COM", null, null], events.Select(e => e.InitiatedByUserPrincipalNameKey));
        AssertIndexMatchesJson(events);
        // The chain covers the JSON, not the derived columns: events sealed before the migration still verify.
        var verified = Assert.IsType<ChainVerification.Intact>(await AuditChain.VerifyAsync(db, tenantId, Ct));
        Assert.Equal(3, verified.Count);

        // Events from before the target column are found by target through their rows, like new ones by the column.
        var naming = async (Guid id) => await db.AuditEvents.Where(e => e.TenantId == tenantId).Where(AuditEvent.Names(id))
            .OrderBy(e => e.ActivityDateTime).Select(e => e.Id).ToListAsync(Ct);
        Assert.Equal([written[0].Id, written[1].Id], await naming(alice));
        Assert.Equal([written[0].Id], await naming(group));
        Assert.Empty(await naming(bob));
        db.AuditEvents.Add(AuditRecord.Create(tenantId, Actor.Operator, "Update user", "UserManagement", "Update", Guid.NewGuid(), Seed.Now.AddMinutes(3),
            [new AuditTarget(bob, "User", "Bob", "bob@contoso.com", [])]));
        await db.SaveChangesAsync(Ct);
        Assert.Single(await naming(bob));
    }

    /// <summary>Each event's target rows are exactly the ids of its targetResources, and the UPN key is its initiator's.</summary>
    internal static void AssertIndexMatchesJson(IEnumerable<AuditEvent> events)
    {
        foreach (var e in events)
        {
            using var targets = JsonDocument.Parse(e.TargetResources);
            var ids = targets.RootElement.EnumerateArray().Select(t => t.GetProperty("id").GetGuid()).Distinct().Order();
            // Exactly one of the two: the column for one target (rows for events written before it), rows for several.
            Assert.Equal(ids, e.Targets.Select(t => t.TargetId).Concat(e.TargetId is { } id ? [id] : []).Order());
            Assert.False(e.TargetId is not null && e.Targets.Count > 0);
            using var initiator = JsonDocument.Parse(e.InitiatedBy);
            var upn = initiator.RootElement.GetProperty("user") is { ValueKind: JsonValueKind.Object } user
                ? user.GetProperty("userPrincipalName").GetString()
                : null;
            Assert.Equal(upn is null ? null : User.KeyOf(upn), e.InitiatedByUserPrincipalNameKey);
        }
    }

    /// <summary>
    /// The initiator indexes leave out application-initiated events (partial), and the initiator filters the Graph
    /// translator builds (equality on the id, equality and prefix on the upper-cased UPN key, which it tests for
    /// null first) still use them. PostgreSQL is asked with sequential scans off: its tables here are tiny.
    /// </summary>
    [Theory, AllStores]
    public async Task The_initiator_filters_use_their_partial_indexes(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, Ct);
        await using var db = store.NewDb();
        var (tenantId, userId) = (Guid.NewGuid(), Guid.NewGuid());
        var queries = new (string Index, IQueryable<AuditEvent> Query)[]
        {
            ("IX_audit_events_tenant_id_initiated_by_user_id",
                db.AuditEvents.Where(e => e.TenantId == tenantId && e.InitiatedByUserId == userId)),
            ("IX_audit_events_tenant_id_initiated_by_user_principal_name_key",
                db.AuditEvents.Where(e => e.TenantId == tenantId && e.InitiatedByUserPrincipalNameKey == "ADMIN@CONTOSO.COM")),
            ("IX_audit_events_tenant_id_initiated_by_user_principal_name_key",
                db.AuditEvents.Where(e => e.TenantId == tenantId && e.InitiatedByUserPrincipalNameKey != null && e.InitiatedByUserPrincipalNameKey.StartsWith("ADMIN@"))),
        };

        await QueryPlans.PrepareAsync(db, kind, Ct);
        foreach (var (index, query) in queries)
        {
            var plan = await QueryPlans.OfAsync(query, kind, Ct);
            Assert.Contains(plan, line => line.Contains(index, StringComparison.Ordinal));
        }
    }

    /// <summary>A tenant and events written with the columns the store had before AuditFilterIndex, by plain SQL.</summary>
    private static async Task InsertAsBeforeAsync(SkuldDb db, StoreKind kind, Guid tenantId, IEnumerable<AuditEvent> events)
    {
        var sqlite = kind == StoreKind.Sqlite;
        object Id(Guid id) => sqlite ? id.ToString("D").ToUpperInvariant() : id;
        object At(DateTimeOffset at) => sqlite ? at.UtcTicks : at.ToUniversalTime();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync(Ct);
        await ExecuteAsync(connection,
            "INSERT INTO tenants (id, display_name, domain, initial_domain, country_letter_code, nested_group_licensing, created_date_time) " +
            "VALUES (@p0, 'contoso.com', 'contoso.com', 'contoso.onmicrosoft.com', 'US', @p1, @p2)",
            Id(tenantId), false, At(Seed.Now));
        // Sealed before the migration, as a store in use would be (by hand: EF's model already has the new columns).
        var (sequence, previous) = (0L, (string?)null);
        foreach (var e in events)
        {
            var hash = AuditChain.Compute(previous, e, ++sequence);
            await ExecuteAsync(connection,
                "INSERT INTO audit_events (tenant_id, id, activity_date_time, activity_display_name, category, result, result_reason, operation_type, " +
                "correlation_id, logged_by_service, initiated_by_user_id, initiated_by_app_id, initiated_by, target_resources, additional_details, " +
                "sequence, previous_hash, hash) " +
                "VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10, @p11, @p12, @p13, @p14, @p15, @p16, @p17)",
                Id(e.TenantId), Id(e.Id), At(e.ActivityDateTime), e.ActivityDisplayName, e.Category, e.Result, e.ResultReason, e.OperationType,
                Id(e.CorrelationId), e.LoggedByService, e.InitiatedByUserId is { } u ? Id(u) : null, e.InitiatedByAppId is { } a ? Id(a) : null,
                e.InitiatedBy, e.TargetResources, e.AdditionalDetails, sequence, previous, hash);
            previous = hash;
        }
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql, params object?[] values)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        for (var i = 0; i < values.Length; i++)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = $"@p{i}";
            parameter.Value = values[i] ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        await command.ExecuteNonQueryAsync(Ct);
    }
}
