using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Skuld.Processing.Tests.Processes;

/// <summary>
/// A real <c>skuld serve</c> process (the CLI as built by the solution build), so a test can kill it
/// with SIGKILL the way a crash or an OOM kill would.
/// </summary>
public sealed class ServerProcess : IDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process) => _process = process;

    public static ServerProcess Start(string storeSpec, string owner, int batchSize)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { CliPath(), "serve", "--store", storeSpec, "--urls", $"http://127.0.0.1:{FreePort()}" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["Skuld__Processing__Owner"] = owner;
        info.Environment["Skuld__Processing__BatchSize"] = batchSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["Skuld__Processing__PollInterval"] = "00:00:00.050";
        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start.");
        // Drain the pipes so a chatty server never blocks on a full buffer.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ServerProcess(process);
    }

    public bool HasExited => _process.HasExited;

    /// <summary>SIGKILL: no shutdown hooks, no flush, the transaction in flight is simply lost.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The CLI's own build output (test.sh builds the whole solution before testing).</summary>
    private static string CliPath()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Skuld.sln")))
        {
            dir = dir.Parent;
        }

        if (dir is null)
        {
            throw new InvalidOperationException("Skuld.sln not found above the test's folder.");
        }

        // bin/<Configuration>/net10.0 of this test project names the configuration the solution was built in.
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name; // always below bin/<Configuration>/<tfm>
        var path = Path.Combine(dir.FullName, "src", "Skuld.Cli", "bin", configuration, "net10.0", "skuld.dll");
        return File.Exists(path) ? path : throw new InvalidOperationException($"{path} is missing: build the solution first.");
    }
}
