using System.CommandLine;
using Skuld.Cli.Audit;
using Skuld.Store.Audit;
using Skuld.Store.Recipients;

namespace Skuld.Cli.Recipients;

/// <summary>
/// <c>skuld contact import FILE.csv --tenant DOMAIN [--json]</c>: creates organisational contacts; an address another
/// recipient already holds is kept quarantined (and reported) instead of failing the row. Columns (header row, any
/// order, case-insensitive): <c>displayName</c> (required), <c>mail</c>, <c>proxyAddresses</c> (<c>;</c>-separated
/// <c>type:value</c>), <c>givenName</c>, <c>surname</c>, <c>companyName</c>.
/// </summary>
internal static class ContactCommand
{
    private static readonly string[] Columns = ["displayName", "mail", "proxyAddresses", "givenName", "surname", "companyName"];

    public static Command Create(CliOutput cli)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "A CSV file with a header row: displayName,mail,proxyAddresses,givenName,surname,companyName." };
        var tenant = new Option<string>("--tenant") { Description = "The tenant's domain, e.g. contoso.com.", Required = true };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var store = StoreOptions.Create();
        var import = new Command("import", "Create contacts from a CSV file; addresses already held by another recipient are quarantined, not refused.")
        {
            file, tenant, json, store,
        };
        import.SetAction(async (parse, ct) =>
        {
            var path = parse.GetRequiredValue(file);
            if (!path.Exists)
            {
                return cli.Fail($"no file '{path}'", SkuldCli.Usage);
            }

            var rows = Read(await File.ReadAllTextAsync(path.FullName, ct), out var problem);
            if (rows is null)
            {
                return cli.Fail($"{path.Name}: {problem}", SkuldCli.Usage);
            }

            return await AuditStore.RunAsync(cli, parse.GetRequiredValue(store), parse.GetRequiredValue(tenant), async (db, tenantId, token) =>
            {
                var result = await ContactImport.ImportAsync(db, tenantId, rows, Actor.Operator, TimeProvider.System, token);
                if (result.Error is { } error)
                {
                    return cli.Fail(string.Join(Environment.NewLine + "  ", [error.Message, .. error.Problems]));
                }

                var report = result.Report!; // Why '!': no error means a report.
                return parse.GetValue(json) ? cli.Json(report) : Print(cli, report);
            }, ct);
        });
        return new Command("contact", "Organisational contacts (works on the store directly).") { import };
    }

    /// <summary>The rows of the CSV text, or null and why.</summary>
    private static List<ContactImportRow>? Read(string text, out string problem)
    {
        problem = "";
        if (CsvFile.Parse(text, out var badLine) is not { Count: > 0 } records)
        {
            problem = badLine > 0 ? $"a quoted field starting before line {badLine} never ends" : "the file is empty (a header row is needed)";
            return null;
        }

        var header = records[0].Select(h => h.Trim()).ToList();
        var unknown = header.Where(h => !Columns.Contains(h, StringComparer.OrdinalIgnoreCase)).ToList();
        if (unknown.Count > 0 || !header.Contains("displayName", StringComparer.OrdinalIgnoreCase))
        {
            problem = unknown.Count > 0
                ? $"unknown column(s) {string.Join(", ", unknown.Select(u => $"'{u}'"))}; the columns are {string.Join(", ", Columns)}"
                : "the header has no displayName column";
            return null;
        }

        string? Field(List<string> record, string name) =>
            header.FindIndex(h => h.Equals(name, StringComparison.OrdinalIgnoreCase)) is var i and >= 0 && i < record.Count ? record[i] : null;

        return [.. records.Skip(1).Select(r => new ContactImportRow(
            Field(r, "displayName"), Field(r, "mail"),
            (Field(r, "proxyAddresses") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            Field(r, "givenName"), Field(r, "surname"), Field(r, "companyName")))];
    }

    private static int Print(CliOutput cli, ContactImportReport report)
    {
        cli.Details($"{report.Created} contact(s) created, {report.QuarantinedAddresses} address(es) quarantined",
            [.. report.Contacts.SelectMany(c => c.Quarantined.Select(q => (
                $"row {c.Row} {c.DisplayName}",
                $"{q.Address} quarantined: held by {q.HeldByType} '{q.HeldByDisplayName}' ({q.HeldById})")))]);
        return SkuldCli.Ok;
    }
}
