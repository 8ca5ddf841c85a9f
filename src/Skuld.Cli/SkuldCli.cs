using System.CommandLine;
using Skuld.Cli.Audit;
using Skuld.Cli.Bootstrap;
using Skuld.Cli.Recipients;
using Skuld.Cli.Serve;

namespace Skuld.Cli;

/// <summary>The <c>skuld</c> command: the table of contents of the CLI. Exit codes: 0 ok, 1 refused or failed, 2 usage.</summary>
public static class SkuldCli
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;

    /// <summary>Runs <c>skuld ARGS</c> with its output going to the given writers (tests pass their own).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken ct = default)
    {
        var cli = new CliOutput(output, error);
        var root = new RootCommand("Skuld: a self-hosted licensing directory that speaks Microsoft Graph.")
        {
            ServeCommand.Create(cli),
            TenantCommand.Create(cli),
            SubscriptionCommand.Create(cli),
            AppCommand.Create(cli),
            AuditCommand.Create(cli),
            HistoryCommand.Create(cli),
            RecipientCommand.Create(cli),
            ContactCommand.Create(cli),
        };

        // A bare `skuld` shows what it can do rather than an error.
        // No @response files: "@contoso.com" is a domain search for `skuld recipient find`, not a file to expand.
        var parsed = root.Parse(args.Length == 0 ? ["--help"] : args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parsed.Errors.Count > 0)
        {
            foreach (var parseError in parsed.Errors)
            {
                await error.WriteLineAsync(parseError.Message);
            }

            await error.WriteLineAsync("Run 'skuld --help' for usage.");
            return Usage;
        }

        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, ct);
    }
}
