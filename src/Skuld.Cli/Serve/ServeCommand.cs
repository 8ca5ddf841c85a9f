using System.CommandLine;
using Microsoft.Extensions.Hosting;
using Skuld.Server;
using Skuld.Store.Bootstrap;
using Spectre.Console;

namespace Skuld.Cli.Serve;

/// <summary><c>skuld serve [--urls URL] [--store sqlite:PATH | postgres:CONN] [--demo]</c>: the API and portal.</summary>
internal static class ServeCommand
{
    public const string DefaultUrls = "http://localhost:5000";

    public static Command Create(CliOutput cli)
    {
        var urls = new Option<string>("--urls")
        {
            Description = "Addresses to listen on, separated by ';'.",
            DefaultValueFactory = _ => DefaultUrls,
        };
        var store = StoreOptions.Create();
        var demo = new Option<bool>("--demo") { Description = "On an empty store, create the Contoso demo tenant and print how to sign in." };

        var serve = new Command("serve", "Run the Graph API, the native API and the portal.") { urls, store, demo };
        serve.SetAction((parse, ct) => RunAsync(cli, parse.GetRequiredValue(urls), parse.GetRequiredValue(store), parse.GetValue(demo), ct));
        return serve;
    }

    private static async Task<int> RunAsync(CliOutput cli, string urls, string store, bool demo, CancellationToken ct)
    {
        DemoCreated? seeded = null;
        var (db, exitCode) = await StoreOptions.OpenAsync(store, cli, ct);
        if (db is null)
        {
            return exitCode;
        }

        await using (db)
        {
            if (demo)
            {
                var result = await DemoTenant.CreateAsync(db, TimeProvider.System, ct);
                if (result.Succeeded)
                {
                    seeded = result.Value;
                }
                else
                {
                    cli.Line($"[yellow]{result.Error.Message.EscapeMarkup()}[/]");
                }
            }
        }

        // The server reads the same configuration keys whether it is started here or on its own.
        var app = SkuldApp.Build([$"--urls={urls}", $"--Skuld:Store={store}"]);
        try
        {
            await app.StartAsync(ct);
        }
        catch (IOException e)
        {
            await app.DisposeAsync();
            return cli.Fail($"cannot listen on {urls}: {e.Message}");
        }

        var baseUrl = SignInHint.BaseUrl(app.Urls);
        cli.Line($"Skuld is listening on [link]{baseUrl.EscapeMarkup()}[/]. Press Ctrl+C to stop.");
        if (seeded is not null)
        {
            SignInHint.Print(cli, seeded, baseUrl);
        }

        await app.WaitForShutdownAsync(ct);
        await app.DisposeAsync();
        return SkuldCli.Ok;
    }
}
