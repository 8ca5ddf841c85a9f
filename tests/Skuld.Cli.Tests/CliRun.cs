using System.Text.Json;

namespace Skuld.Cli.Tests;

/// <summary>The outcome of one in-process <c>skuld</c> run.</summary>
public sealed record CliRun(int ExitCode, string Output, string Error)
{
    public static async Task<CliRun> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await SkuldCli.RunAsync(args, output, error, TestContext.Current.CancellationToken);
        return new CliRun(exitCode, output.ToString(), error.ToString());
    }

    public JsonElement Json()
    {
        Assert.True(ExitCode == 0, $"exit {ExitCode}: {Error}");
        return JsonDocument.Parse(Output).RootElement;
    }
}
