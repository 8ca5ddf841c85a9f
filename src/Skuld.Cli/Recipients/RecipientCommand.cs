using System.CommandLine;
using Skuld.Cli.Audit;
using Skuld.Server.Api.Recipients;
using Skuld.Store.Recipients;
using Spectre.Console;

namespace Skuld.Cli.Recipients;

/// <summary>
/// <c>skuld recipient find ADDRESS-OR-PATTERN --tenant DOMAIN [--top N] [--skip-token T] [--json]</c> (who holds an
/// address: exact, <c>bob*</c>, <c>@contoso.com</c>, <c>b*b@contoso.*</c>) and <c>skuld recipient duplicates</c>
/// (addresses more than one recipient has), on the store directly. A bad pattern exits 2.
/// </summary>
internal static class RecipientCommand
{
    public static Command Create(CliOutput cli) =>
        new("recipient", "Find who holds an address, and list duplicated addresses (works on the store directly).")
        {
            Find(cli),
            Duplicates(cli),
        };

    private static Option<string> Tenant() => new("--tenant") { Description = "The tenant's domain, e.g. contoso.com.", Required = true };

    private static Option<int?> Top() => new("--top") { Description = $"Results per page (1 to {RecipientSearch.MaxTop}, default {RecipientSearch.DefaultTop})." };

    private static Option<string?> SkipToken() => new("--skip-token") { Description = "Continue after the page that printed this token." };

    private static Option<bool> JsonOption() => new("--json") { Description = "Print one JSON object." };

    private static Command Find(CliOutput cli)
    {
        var pattern = new Argument<string>("ADDRESS-OR-PATTERN")
        {
            Description = "bob@contoso.com (or smtp:…, sip:…), a prefix bob*, a domain @contoso.com, or a pattern with * and ? (b*b@contoso.*).",
        };
        var (tenant, top, skip, json, store) = (Tenant(), Top(), SkipToken(), JsonOption(), StoreOptions.Create());
        var find = new Command("find", "List the recipients whose addresses match, with their type, name and every address.")
        {
            pattern, tenant, top, skip, json, store,
        };
        find.SetAction(async (parse, ct) =>
        {
            var text = parse.GetRequiredValue(pattern);
            if (RecipientPattern.TryParse(text, out var invalid) is null)
            {
                return cli.Fail(invalid, SkuldCli.Usage);
            }

            return await AuditStore.RunAsync(cli, parse.GetRequiredValue(store), parse.GetRequiredValue(tenant), async (db, tenantId, token) =>
            {
                var result = await RecipientSearch.FindAsync(db, tenantId, text, parse.GetValue(top), parse.GetValue(skip), token);
                if (result.Error is { } error)
                {
                    return cli.Fail(error.Message, SkuldCli.Usage);
                }

                var page = result.Page!; // Why '!': no error means a page.
                return parse.GetValue(json)
                    ? cli.Json(new RecipientSearchAnswer(page.Mode.ToString().ToLowerInvariant(), [.. page.Items.Select(RecipientJson.Of)], page.SkipToken, null))
                    : Print(cli, text, page);
            }, ct);
        });
        return find;
    }

    private static Command Duplicates(CliOutput cli)
    {
        var (tenant, top, skip, json, store) = (Tenant(), Top(), SkipToken(), JsonOption(), StoreOptions.Create());
        var duplicates = new Command("duplicates", "List every address held by more than one recipient (one holder plus quarantined copies).")
        {
            tenant, top, skip, json, store,
        };
        duplicates.SetAction((parse, ct) => AuditStore.RunAsync(cli, parse.GetRequiredValue(store), parse.GetRequiredValue(tenant), async (db, tenantId, token) =>
        {
            var (report, error) = await DuplicateAddresses.ReportAsync(db, tenantId, parse.GetValue(top), parse.GetValue(skip), token);
            if (error is not null)
            {
                return cli.Fail(error.Message, SkuldCli.Usage);
            }

            if (parse.GetValue(json))
            {
                return cli.Json(new DuplicateAnswer(
                    [.. report!.Items.Select(d => new DuplicateJson(d.AddressKey, [.. d.Holders.Select(h => new DuplicateHolderJson( // Why '!': no error means a report.
                        h.ObjectId, RecipientJson.TypeName(h.Type), h.DisplayName, h.Address, h.Quarantined))]))],
                    report.SkipToken, null));
            }

            cli.Line($"{report!.Items.Count} duplicated address(es)"); // Why '!': no error means a report.
            var table = new Table().AddColumns("Address", "Held by", "Quarantined copies");
            foreach (var item in report.Items)
            {
                table.AddRow(
                    new Text(item.AddressKey),
                    new Text(string.Join("\n", item.Holders.Where(h => !h.Quarantined).Select(Describe))),
                    new Text(string.Join("\n", item.Holders.Where(h => h.Quarantined).Select(Describe))));
            }

            cli.Console.Write(table);
            PrintNext(cli, report.SkipToken);
            return SkuldCli.Ok;
        }, ct));
        return duplicates;
    }

    private static string Describe(DuplicateHolder h) => $"{RecipientJson.TypeName(h.Type)} '{h.DisplayName}' ({h.ObjectId})";

    private static int Print(CliOutput cli, string text, RecipientSearchPage page)
    {
        if (page.Items.Count == 0)
        {
            cli.Raw($"No recipient matches '{text}' ({page.Mode.ToString().ToLowerInvariant()} search).");
            return SkuldCli.Ok;
        }

        var table = new Table().AddColumns("Matched", "Type", "Display name", "Id", "Addresses");
        foreach (var item in page.Items)
        {
            table.AddRow(
                new Text(item.MatchedAddress + (item.Quarantined ? " (quarantined)" : "")),
                new Text(RecipientJson.TypeName(item.Type)),
                new Text(item.DisplayName),
                new Text(item.ObjectId.ToString()),
                new Text(string.Join("\n", item.Addresses.Select(a =>
                    a.Address + (a.IsPrimary ? " (primary)" : "") + (a.Quarantined ? " (quarantined)" : "")))));
        }

        cli.Console.Write(table);
        PrintNext(cli, page.SkipToken);
        return SkuldCli.Ok;
    }

    private static void PrintNext(CliOutput cli, string? skipToken)
    {
        if (skipToken is not null)
        {
            cli.Raw($"More results: add --skip-token {skipToken}");
        }
    }
}
