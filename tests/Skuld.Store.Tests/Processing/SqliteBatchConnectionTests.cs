using Microsoft.Data.Sqlite;
using Skuld.Store.Audit;
using Skuld.Store.Directory;
using Skuld.Store.Processing;
using Skuld.Testing;

namespace Skuld.Store.Tests.Processing;

/// <summary>A batch sets its connection up for a large write (a 256 MB page cache); the pool must not keep that.</summary>
public sealed class SqliteBatchConnectionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_connection_goes_back_to_the_pool_with_sqlites_defaults_after_a_batch()
    {
        await using var store = await TestStore.CreateAsync(StoreKind.Sqlite, Ct);
        await using (var db = store.NewDb())
        {
            var tenantId = await Seed.TenantAsync(db, units: 5);
            var userId = Guid.NewGuid();
            db.Users.Add(new User { TenantId = tenantId, Id = userId, UserPrincipalName = "ada@contoso.com", DisplayName = "Ada", UsageLocation = "US", CreatedDateTime = Seed.Now });
            LicenseWork.EnqueueUsers(db, tenantId, [userId], Actor.Operator, Guid.NewGuid(), Seed.Now);
            await db.SaveChangesAsync(Ct);
        }

        Assert.Equal(1, await LicenseProcessing.RunUntilIdleAsync(store.NewDb, "test", 100, new FixedTime(Seed.Now), Ct));

        // Every idle connection of the pool, the batch's among them (the store's connection string is the pool's key).
        var pooled = new List<SqliteConnection>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                var connection = new SqliteConnection(store.Location.ConnectionString);
                await connection.OpenAsync(Ct);
                pooled.Add(connection);
            }
            foreach (var connection in pooled)
            {
                Assert.Equal((-2000L, 1000L), (Pragma(connection, "cache_size"), Pragma(connection, "wal_autocheckpoint")));
            }
        }
        finally
        {
            foreach (var connection in pooled)
            {
                await connection.DisposeAsync();
            }
        }
    }

    private static long Pragma(SqliteConnection connection, string name)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA {name}";
        return (long)command.ExecuteScalar()!;
    }
}
