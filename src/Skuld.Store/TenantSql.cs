using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Skuld.Store.Processing.Internal;
using Skuld.Store.Providers;

namespace Skuld.Store;

/// <summary>
/// Raw SQL in the tenant scope: the one way Skuld's own SQL (the processing dialects, the audit chain lock)
/// gets a command. The tenant is bound from the context's scope as <c>@t</c> (PostgreSQL) / <c>$t</c>
/// (SQLite), never passed in, and a context without a scope cannot get a command at all.
/// </summary>
internal static class TenantSql
{
    /// <summary>A command on the context's connection and current transaction, with the scope's tenant bound.</summary>
    public static DbCommand Command(SkuldDb db, string sql)
    {
        var tenantId = Scope(db);
        var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        var tenant = command.CreateParameter();
        // As EF Core stores them: uuid on PostgreSQL, upper-case text on SQLite.
        (tenant.ParameterName, tenant.Value) = db is PostgresSkuldDb ? ("t", (object)tenantId) : ("$t", tenantId.ToString("D").ToUpperInvariant());
        command.Parameters.Add(tenant);
        return command;
    }

    /// <summary>
    /// A statement prepared on the context's (open) SQLite connection, which runs in its current transaction, with the
    /// scope's tenant bound as <c>$t</c>: for bulk writes (processing's rows and audit events).
    /// </summary>
    public static SqliteStatement SqliteStatement(SkuldDb db, string sql)
    {
        var tenantId = Scope(db);
        var statement = new SqliteStatement((SqliteConnection)db.Database.GetDbConnection(), sql);
        try
        {
            statement.Text(statement["$t"], tenantId);
            return statement;
        }
        catch
        {
            statement.Dispose();
            throw;
        }
    }

    /// <summary>Throws unless every row is of the scope's tenant (rows built in memory before a bulk insert that binds the scope).</summary>
    public static void RequireScope(SkuldDb db, IEnumerable<Guid> tenantIds)
    {
        var scope = Scope(db);
        if (tenantIds.Where(id => id != scope).Select(id => (Guid?)id).FirstOrDefault() is { } other)
        {
            throw new InvalidOperationException($"A row of tenant {other} cannot be written in the scope of tenant {scope}.");
        }
    }

    private static Guid Scope(SkuldDb db) => db.ScopedTenantId
        ?? throw new InvalidOperationException("Raw SQL runs in a tenant scope: call EnterTenant on the context first.");
}
