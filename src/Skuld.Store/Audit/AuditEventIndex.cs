using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;
using Skuld.Store.Providers;

namespace Skuld.Store.Audit;

/// <summary>
/// The filter columns of audit events that bulk writers insert with raw SQL (group processing), which do
/// not go through EF and so would not write <see cref="AuditEvent.Targets"/> or
/// <see cref="AuditEvent.InitiatedByUserPrincipalNameKey"/>. Call <see cref="WriteAfterBulkInsertAsync"/> right
/// after inserting the events, in the same transaction. Events added through EF need nothing.
/// </summary>
public static class AuditEventIndex
{
    public static async Task WriteAfterBulkInsertAsync(SkuldDb db, IReadOnlyList<AuditEvent> events, CancellationToken ct)
    {
        // In (tenant, target) order: the batch's event ids are all new and adjacent (version 7, one moment), so the
        // primary key takes them in any order at its right edge, while the target index, whose keys are scattered,
        // then fills page by page instead of at random.
        var targets = events.SelectMany(e => e.Targets).OrderBy(t => t.TenantId).ThenBy(t => t.TargetId).ToList();
        var initiators = events.Where(e => e.InitiatedByUserPrincipalNameKey is not null).ToList();
        if (targets.Count == 0 && initiators.Count == 0)
        {
            return;
        }

        var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        switch (db)
        {
            case PostgresSkuldDb:
                await WritePostgresAsync((NpgsqlConnection)db.Database.GetDbConnection(), (NpgsqlTransaction?)transaction, targets, initiators, ct);
                break;
            default:
                WriteSqlite((SqliteConnection)db.Database.GetDbConnection(), (SqliteTransaction?)transaction, targets, initiators, ct);
                break;
        }
    }

    private static async Task WritePostgresAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, List<AuditEventTarget> targets, List<AuditEvent> initiators, CancellationToken ct)
    {
        if (targets.Count > 0)
        {
            await using var insert = new NpgsqlCommand(
                "INSERT INTO audit_event_targets (tenant_id, event_id, target_id) SELECT * FROM unnest(@t, @e, @id)", connection, transaction);
            insert.Parameters.AddWithValue("t", targets.Select(t => t.TenantId).ToArray());
            insert.Parameters.AddWithValue("e", targets.Select(t => t.EventId).ToArray());
            insert.Parameters.AddWithValue("id", targets.Select(t => t.TargetId).ToArray());
            await insert.ExecuteNonQueryAsync(ct);
        }

        if (initiators.Count > 0)
        {
            await using var update = new NpgsqlCommand(
                "UPDATE audit_events a SET initiated_by_user_principal_name_key = v.k FROM unnest(@t, @e, @k) AS v(t, e, k) " +
                "WHERE a.tenant_id = v.t AND a.id = v.e", connection, transaction);
            update.Parameters.AddWithValue("t", initiators.Select(e => e.TenantId).ToArray());
            update.Parameters.AddWithValue("e", initiators.Select(e => e.Id).ToArray());
            update.Parameters.Add(new NpgsqlParameter("k", NpgsqlDbType.Array | NpgsqlDbType.Text)
            {
                Value = initiators.Select(e => e.InitiatedByUserPrincipalNameKey).ToArray(),
            });
            await update.ExecuteNonQueryAsync(ct);
        }
    }

    private static void WriteSqlite(
        SqliteConnection connection, SqliteTransaction? transaction, List<AuditEventTarget> targets, List<AuditEvent> initiators, CancellationToken ct)
    {
        using var insert = new SqliteCommand("INSERT INTO audit_event_targets (tenant_id, event_id, target_id) VALUES ($t, $e, $id)", connection, transaction);
        var (t, e, id) = (insert.Parameters.Add("$t", SqliteType.Text), insert.Parameters.Add("$e", SqliteType.Text), insert.Parameters.Add("$id", SqliteType.Text));
        foreach (var target in targets)
        {
            ct.ThrowIfCancellationRequested();
            (t.Value, e.Value, id.Value) = (Text(target.TenantId), Text(target.EventId), Text(target.TargetId));
            insert.ExecuteNonQuery();
        }

        using var update = new SqliteCommand(
            "UPDATE audit_events SET initiated_by_user_principal_name_key = $k WHERE tenant_id = $t AND id = $e", connection, transaction);
        var (ut, ue, uk) = (update.Parameters.Add("$t", SqliteType.Text), update.Parameters.Add("$e", SqliteType.Text), update.Parameters.Add("$k", SqliteType.Text));
        foreach (var initiator in initiators)
        {
            (ut.Value, ue.Value, uk.Value) = (Text(initiator.TenantId), Text(initiator.Id), initiator.InitiatedByUserPrincipalNameKey);
            update.ExecuteNonQuery();
        }
    }

    // EF Core stores GUIDs as upper-case text on SQLite.
    private static string Text(Guid id) => id.ToString("D").ToUpperInvariant();
}
