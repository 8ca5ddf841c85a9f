using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace Skuld.Store.Processing.Internal;

/// <summary>
/// Copies a SQLite store's write-ahead log into the database file on a connection and a thread of their own, after
/// each processing batch commits. Why: a checkpoint run by the writer at commit stops processing for as long as the
/// copy takes (seconds over a million-member job); done beside it, the copy of one batch overlaps the next batch.
/// The writer keeps a (larger) automatic checkpoint of its own as the safety net, so the log stays bounded even when
/// these cannot keep up or fail.
/// </summary>
internal static class SqliteCheckpoints
{
    private static readonly ConcurrentDictionary<string, Checkpointer> ByDatabase = new();

    /// <summary>Starts a passive checkpoint of the store, or one more after the one that is running.</summary>
    public static void Request(string connectionString) =>
        ByDatabase.GetOrAdd(connectionString, static cs => new Checkpointer(cs)).Request();

    private sealed class Checkpointer(string connectionString)
    {
        // Never creates the file: a store deleted meanwhile (a test's) fails the open, and that is all.
        private readonly string readWrite = SqliteDialect.OwnConnectionString(connectionString);
        private readonly Lock gate = new();
        private bool running;
        private bool again;

        public void Request()
        {
            lock (gate)
            {
                if (running)
                {
                    again = true;
                    return;
                }
                running = true;
            }
            _ = Task.Run(Run);
        }

        private void Run()
        {
            var ended = false;
            try
            {
                while (true)
                {
                    Checkpoint();
                    lock (gate)
                    {
                        if (!again)
                        {
                            (running, ended) = (false, true);
                            return;
                        }
                        again = false;
                    }
                }
            }
            finally
            {
                // Checkpoint threw something unexpected: the next request starts afresh rather than never.
                if (!ended)
                {
                    lock (gate)
                    {
                        running = false;
                    }
                }
            }
        }

        private void Checkpoint()
        {
            try
            {
                using var connection = new SqliteConnection(readWrite);
                connection.Open();
                using var command = connection.CreateCommand();
                // PASSIVE never waits for readers or the writer: it copies what it can.
                command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
                command.ExecuteNonQuery();
            }
            catch (SqliteException)
            {
                // The store is gone or busy: the writer's automatic checkpoint still bounds the log.
            }
        }
    }
}
