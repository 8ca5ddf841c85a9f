using Microsoft.EntityFrameworkCore;
using Skuld.Testing;

namespace Skuld.Store.Tests;

/// <summary>The plan the store chooses for an EF query, as it would run it (the same SQL and parameters).</summary>
internal static class QueryPlans
{
    /// <summary>
    /// Opens the context's connection for <see cref="OfAsync"/>; on PostgreSQL turns sequential scans off, so a tiny
    /// test table is planned as a large one would be (an index is used whenever it can be).
    /// </summary>
    public static async Task PrepareAsync(SkuldDb db, StoreKind kind, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        if (kind == StoreKind.Postgres)
        {
            await db.Database.ExecuteSqlRawAsync("SET enable_seqscan = off", ct);
        }
    }

    /// <summary>The plan's lines: SQLite's EXPLAIN QUERY PLAN details, PostgreSQL's EXPLAIN text.</summary>
    public static async Task<List<string>> OfAsync(IQueryable query, StoreKind kind, CancellationToken ct)
    {
        await using var command = query.CreateDbCommand();
        command.CommandText = (kind == StoreKind.Sqlite ? "EXPLAIN QUERY PLAN " : "EXPLAIN ") + command.CommandText;
        var plan = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            plan.Add(reader.GetString(kind == StoreKind.Sqlite ? 3 : 0));
        }
        return plan;
    }
}
