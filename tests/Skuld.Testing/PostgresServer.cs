using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Skuld.Testing;

/// <summary>
/// A throwaway PostgreSQL cluster, started once per test process on a free port (fsync off, trust
/// auth, socket in its data folder) and stopped when the process exits. Each test gets its own database.
/// </summary>
public static class PostgresServer
{
    private static readonly Lazy<Task<Cluster>> Instance = new(StartAsync);
    private static int counter;

    /// <summary>The connection string of a new, empty database on the shared cluster.</summary>
    public static async Task<string> CreateDatabaseAsync(string? template = null, CancellationToken ct = default)
    {
        var cluster = await Instance.Value;
        var name = $"t_{Interlocked.Increment(ref counter)}_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(cluster.ConnectionString("postgres")))
        {
            await connection.OpenAsync(ct);
            await using var command = connection.CreateCommand();
            command.CommandText = template is null ? $"CREATE DATABASE {name}" : $"CREATE DATABASE {name} TEMPLATE {template}";
            await command.ExecuteNonQueryAsync(ct);
        }

        return cluster.ConnectionString(name);
    }

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/> (closing its pooled connections).</summary>
    public static async Task DropDatabaseAsync(string connectionString, CancellationToken ct = default)
    {
        var cluster = await Instance.Value;
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        await using (var pooled = new NpgsqlConnection(connectionString))
        {
            NpgsqlConnection.ClearPool(pooled);
        }

        await using var connection = new NpgsqlConnection(cluster.ConnectionString("postgres"));
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = $"DROP DATABASE IF EXISTS {name} WITH (FORCE)";
        await command.ExecuteNonQueryAsync(ct);
    }

    private sealed record Cluster(string Bin, string DataDirectory, int Port, bool AsPostgresUser)
    {
        public string ConnectionString(string database) =>
            $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Maximum Pool Size=50;Timeout=30;Command Timeout=60";
    }

    private static async Task<Cluster> StartAsync()
    {
        var bin = FindBinaries() ?? throw new InvalidOperationException(
            "PostgreSQL binaries not found in /usr/lib/postgresql/*/bin. The PostgreSQL half of the store tests needs them: " +
            "run the test script (.ci/run), which installs PostgreSQL, or `apt-get install -y postgresql`.");
        var asPostgresUser = Environment.UserName == "root";
        var data = Directory.CreateTempSubdirectory("skuld-pg-").FullName;
        if (asPostgresUser)
        {
            // initdb and pg_ctl refuse to run as root.
            await RunAsync("chown", ["postgres:postgres", data]);
        }

        var port = FreePort();
        var cluster = new Cluster(bin, data, port, asPostgresUser);
        await RunPgAsync(cluster, "initdb", ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale"]);
        await RunPgAsync(cluster, "pg_ctl", ["-D", data, "-l", Path.Combine(data, "log"), "-w", "-o",
            $"-c listen_addresses=127.0.0.1 -p {port} -k {data} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300", "start"]);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop(cluster);
        return cluster;
    }

    private static void Stop(Cluster cluster)
    {
        try
        {
            RunPgAsync(cluster, "pg_ctl", ["-D", cluster.DataDirectory, "-m", "immediate", "-w", "stop"]).GetAwaiter().GetResult();
        }
        finally
        {
            Directory.Delete(cluster.DataDirectory, recursive: true);
        }
    }

    private static string? FindBinaries()
    {
        const string root = "/usr/lib/postgresql";
        if (!Directory.Exists(root))
        {
            return null;
        }

        return Directory.GetDirectories(root)
            .Select(d => (Dir: d, Version: Version.TryParse(Path.GetFileName(d).Contains('.', StringComparison.Ordinal) ? Path.GetFileName(d) : Path.GetFileName(d) + ".0", out var v) ? v : null))
            .Where(d => d.Version is not null && File.Exists(Path.Combine(d.Dir, "bin", "pg_ctl")))
            .OrderByDescending(d => d.Version)
            .Select(d => Path.Combine(d.Dir, "bin"))
            .FirstOrDefault();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static Task RunPgAsync(Cluster cluster, string tool, string[] args) =>
        cluster.AsPostgresUser
            ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(cluster.Bin, tool), .. args])
            : RunAsync(Path.Combine(cluster.Bin, tool), args);

    private static async Task RunAsync(string file, string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {process.ExitCode}:\n{await output}\n{await error}");
        }
    }
}
