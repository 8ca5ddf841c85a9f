using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Skuld.Store.Recipients;

/// <summary>One recipient's new <c>mail</c> and proxy addresses, to be written to its row and to the address table.</summary>
public sealed record RecipientWrite(Guid ObjectId, RecipientType Type, string? Mail, IReadOnlyList<string> ProxyAddresses);

/// <summary>
/// Reads and writes the address table (<see cref="RecipientAddress"/>). Writes are set-based (one statement
/// per kind, whatever the number of recipients) and run in the caller's transaction; the database's unique
/// index is the final judge of a clash (<see cref="IsAddressClash"/>).
/// </summary>
public static class RecipientAddresses
{
    // Keeps each IN list well under SQLite's and PostgreSQL's parameter limits.
    private const int Chunk = 1000;

    /// <summary>Who holds these keys (unquarantined), by key.</summary>
    public static async Task<Dictionary<string, (Guid ObjectId, RecipientType Type)>> HoldersAsync(
        SkuldDb db, Guid tenantId, IEnumerable<string> keys, CancellationToken ct)
    {
        var holders = new Dictionary<string, (Guid, RecipientType)>(StringComparer.Ordinal);
        foreach (var chunk in keys.Distinct(StringComparer.Ordinal).Chunk(Chunk))
        {
            var rows = await db.RecipientAddresses.AsNoTracking()
                .Where(a => a.TenantId == tenantId && !a.Quarantined && chunk.Contains(a.AddressKey))
                .Select(a => new { a.AddressKey, a.ObjectId, a.ObjectType })
                .ToListAsync(ct);
            foreach (var row in rows)
            {
                holders[row.AddressKey] = (row.ObjectId, row.ObjectType);
            }
        }

        return holders;
    }

    /// <summary>The first of these addresses that a recipient other than <paramref name="objectId"/> holds, named; null when none.</summary>
    public static async Task<AddressConflict?> FindConflictAsync(
        SkuldDb db, Guid tenantId, Guid objectId, IEnumerable<string> proxyAddresses, CancellationToken ct)
    {
        var parsed = proxyAddresses.Select(ProxyAddress.TryParse).OfType<ProxyAddress>().ToList();
        var holders = await HoldersAsync(db, tenantId, parsed.Select(p => p.Key), ct);
        foreach (var address in parsed)
        {
            if (holders.TryGetValue(address.Key, out var holder) && holder.ObjectId != objectId)
            {
                return new AddressConflict(address.Value, await DescribeAsync(db, tenantId, holder.ObjectId, holder.Type, ct));
            }
        }

        return null;
    }

    /// <summary>A recipient's id, type and display name (the id alone when it vanished meanwhile).</summary>
    public static async Task<RecipientRef> DescribeAsync(SkuldDb db, Guid tenantId, Guid objectId, RecipientType type, CancellationToken ct)
    {
        var name = type switch
        {
            RecipientType.User => await db.Users.AsNoTracking().Where(u => u.TenantId == tenantId && u.Id == objectId).Select(u => u.DisplayName).FirstOrDefaultAsync(ct),
            RecipientType.Group => await db.Groups.AsNoTracking().Where(g => g.TenantId == tenantId && g.Id == objectId).Select(g => g.DisplayName).FirstOrDefaultAsync(ct),
            RecipientType.Contact => await db.OrgContacts.AsNoTracking().Where(c => c.TenantId == tenantId && c.Id == objectId).Select(c => c.DisplayName).FirstOrDefaultAsync(ct),
        };
        return new RecipientRef(objectId, type, name ?? "");
    }

    /// <summary>The display names of these recipients, one query per type and chunk.</summary>
    public static async Task<Dictionary<Guid, string>> NamesAsync(
        SkuldDb db, Guid tenantId, IEnumerable<(Guid ObjectId, RecipientType Type)> recipients, CancellationToken ct)
    {
        var names = new Dictionary<Guid, string>();
        foreach (var type in recipients.Distinct().GroupBy(r => r.Type))
        {
            foreach (var chunk in type.Select(r => r.ObjectId).Chunk(Chunk))
            {
                var found = type.Key switch
                {
                    RecipientType.User => await db.Users.AsNoTracking().Where(u => u.TenantId == tenantId && chunk.Contains(u.Id))
                        .Select(u => new { u.Id, u.DisplayName }).ToListAsync(ct),
                    RecipientType.Group => await db.Groups.AsNoTracking().Where(g => g.TenantId == tenantId && chunk.Contains(g.Id))
                        .Select(g => new { g.Id, g.DisplayName }).ToListAsync(ct),
                    RecipientType.Contact => await db.OrgContacts.AsNoTracking().Where(c => c.TenantId == tenantId && chunk.Contains(c.Id))
                        .Select(c => new { c.Id, c.DisplayName }).ToListAsync(ct),
                };
                foreach (var row in found)
                {
                    names[row.Id] = row.DisplayName;
                }
            }
        }

        return names;
    }

    /// <summary>
    /// Makes the address rows of each recipient equal its <see cref="RecipientWrite.ProxyAddresses"/> (quarantined
    /// rows are left alone, unless the recipient now holds that address properly), in two statements. With
    /// <paramref name="updateOwners"/> the recipients' own rows get the new <c>mail</c> and <c>proxyAddresses</c>
    /// (and a new version) in one more statement per type; leave it false when the caller saves tracked entities.
    /// Throws the provider's unique-violation exception when an address is taken (see <see cref="IsAddressClash"/>):
    /// the caller's transaction is then unusable on PostgreSQL and must be rolled back.
    /// </summary>
    public static async Task WriteAsync(SkuldDb db, Guid tenantId, IReadOnlyList<RecipientWrite> writes, bool updateOwners, CancellationToken ct)
    {
        // Raw SQL below: it may only write the tenant the context is scoped to (throws for a context of another tenant).
        db.EnterTenant(tenantId);
        if (writes.Count == 0)
        {
            return;
        }

        var postgres = IsPostgres(db);
        var objects = Json(writes.Select(w => new { o = Id(w.ObjectId, postgres) }));
        var rows = Json(writes.SelectMany(w => w.ProxyAddresses
            .Select(ProxyAddress.TryParse).OfType<ProxyAddress>()
            .DistinctBy(p => p.Key)
            .Select(p => new { k = p.Key, o = Id(w.ObjectId, postgres), a = p.ToString(), d = p.Domain, t = w.Type.ToString(), p = p.IsPrimary })));
        var tenant = Id(tenantId, postgres);
        if (postgres)
        {
            await db.Database.ExecuteSqlRawAsync(
                "DELETE FROM recipient_addresses WHERE tenant_id = {0} AND NOT quarantined " +
                "AND object_id IN (SELECT r.o FROM jsonb_to_recordset({1}::jsonb) AS r(o uuid))", [tenantId, objects], ct);
            await db.Database.ExecuteSqlRawAsync(
                "INSERT INTO recipient_addresses (tenant_id, address_key, object_id, address, domain, object_type, is_primary, quarantined) " +
                "SELECT {0}, r.k, r.o, r.a, r.d, r.t, r.p, FALSE FROM jsonb_to_recordset({1}::jsonb) AS r(k text, o uuid, a text, d text, t text, p boolean) " +
                "ON CONFLICT (tenant_id, object_id, address_key) DO UPDATE SET address = excluded.address, is_primary = excluded.is_primary, quarantined = FALSE",
                [tenantId, rows], ct);
        }
        else
        {
            await db.Database.ExecuteSqlRawAsync(
                "DELETE FROM recipient_addresses WHERE tenant_id = {0} AND NOT quarantined " +
                "AND object_id IN (SELECT json_extract(value, '$.o') FROM json_each({1}))", [tenant, objects], ct);
            // "WHERE true": SQLite's parser needs it between INSERT … SELECT and an upsert clause.
            await db.Database.ExecuteSqlRawAsync(
                "INSERT INTO recipient_addresses (tenant_id, address_key, object_id, address, domain, object_type, is_primary, quarantined) " +
                "SELECT {0}, json_extract(value, '$.k'), json_extract(value, '$.o'), json_extract(value, '$.a'), json_extract(value, '$.d'), " +
                "json_extract(value, '$.t'), json_extract(value, '$.p'), 0 FROM json_each({1}) WHERE true " +
                "ON CONFLICT (tenant_id, object_id, address_key) DO UPDATE SET address = excluded.address, is_primary = excluded.is_primary, quarantined = 0",
                [tenant, rows], ct);
        }

        if (!updateOwners)
        {
            return;
        }

        foreach (var group in writes.GroupBy(w => w.Type))
        {
            var table = group.Key switch
            {
                RecipientType.User => "users",
                RecipientType.Group => "groups",
                RecipientType.Contact => "org_contacts",
            };
            var owners = Json(group.Select(w => new { o = Id(w.ObjectId, postgres), m = w.Mail, x = w.ProxyAddresses }));
            // The table name comes from the switch above, never from input.
#pragma warning disable EF1003
            if (postgres)
            {
                await db.Database.ExecuteSqlRawAsync(
                    $"UPDATE {table} AS u SET mail = r.m, proxy_addresses = ARRAY(SELECT jsonb_array_elements_text(r.x)), version = u.version + 1 " +
                    "FROM jsonb_to_recordset({1}::jsonb) AS r(o uuid, m text, x jsonb) WHERE u.tenant_id = {0} AND u.id = r.o",
                    [tenantId, owners], ct);
            }
            else
            {
                // "LIMIT -1" makes SQLite materialise the rows and drive the join from them (a primary-key lookup
                // per row); without it the planner scans the tenant's whole table once per JSON row.
                await db.Database.ExecuteSqlRawAsync(
                    $"UPDATE {table} SET mail = j.m, proxy_addresses = j.x, version = version + 1 " +
                    "FROM (SELECT json_extract(value, '$.o') AS o, json_extract(value, '$.m') AS m, json_extract(value, '$.x') AS x FROM json_each({1}) LIMIT -1) AS j " +
                    $"WHERE {table}.tenant_id = {{0}} AND {table}.id = j.o",
                    [tenant, owners], ct);
            }
#pragma warning restore EF1003
        }
    }

    /// <summary>The address rows of a recipient holding these addresses, as entities (for bootstrap and tests).</summary>
    public static IEnumerable<RecipientAddress> Rows(Guid tenantId, Guid objectId, RecipientType type, IEnumerable<string> proxyAddresses) =>
        proxyAddresses.Select(ProxyAddress.TryParse).OfType<ProxyAddress>().DistinctBy(p => p.Key).Select(p => new RecipientAddress
        {
            TenantId = tenantId,
            AddressKey = p.Key,
            Address = p.ToString(),
            Domain = p.Domain,
            ObjectId = objectId,
            ObjectType = type,
            IsPrimary = p.IsPrimary,
        });

    /// <summary>Removes every address row of a recipient (it is being deleted).</summary>
    public static Task<int> DeleteObjectAsync(SkuldDb db, Guid tenantId, Guid objectId, CancellationToken ct) =>
        db.RecipientAddresses.Where(a => a.TenantId == tenantId && a.ObjectId == objectId).ExecuteDeleteAsync(ct);

    /// <summary>Whether the exception (or one it wraps) is the address table's unique index refusing a second holder.</summary>
    public static bool IsAddressClash(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } pg
                    when pg.ConstraintName == RecipientAddressConfiguration.UniqueIndex:
                // SQLite names the columns, not the index: SQLITE_CONSTRAINT_UNIQUE on (tenant_id, address_key).
                case SqliteException { SqliteExtendedErrorCode: 2067 } sqlite
                    when sqlite.Message.Contains("recipient_addresses.tenant_id, recipient_addresses.address_key", StringComparison.Ordinal):
                    return true;
            }
        }

        return false;
    }

    internal static bool IsPostgres(SkuldDb db) => db.Database.ProviderName == "Npgsql.EntityFrameworkCore.PostgreSQL";

    // EF Core stores GUIDs as upper-case text on SQLite; PostgreSQL has a uuid type.
    private static object Id(Guid id, bool postgres) => postgres ? id : id.ToString("D").ToUpperInvariant();

    private static string Json<T>(IEnumerable<T> values) => JsonSerializer.Serialize(values);
}
