using System.CommandLine;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Skuld.Store.Audit;
using Skuld.Store.Directory;

namespace Skuld.Cli.Audit;

/// <summary><c>skuld history --tenant DOMAIN --user UPN --at TIME [--json]</c>: the user's licenses at a time, from the audit trail.</summary>
internal static class HistoryCommand
{
    public static Command Create(CliOutput cli)
    {
        var tenant = new Option<string>("--tenant") { Description = "The tenant's domain, e.g. contoso.com.", Required = true };
        var user = new Option<string>("--user") { Description = "The user's principal name or object id.", Required = true };
        var at = new Option<string>("--at") { Description = "An ISO 8601 time, e.g. 2026-01-05T09:00:00Z (UTC when no offset is given).", Required = true };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var store = StoreOptions.Create();
        var history = new Command("history", "Which licenses a user held at a time, from the audit trail (works on the store directly).")
        {
            tenant, user, at, json, store,
        };
        history.SetAction((parse, ct) =>
        {
            if (!DateTimeOffset.TryParse(parse.GetRequiredValue(at), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when))
            {
                return Task.FromResult(cli.Fail($"--at must be an ISO 8601 time, e.g. 2026-01-05T09:00:00Z; got '{parse.GetRequiredValue(at)}'", SkuldCli.Usage));
            }

            return AuditStore.RunAsync(cli, parse.GetRequiredValue(store), parse.GetRequiredValue(tenant), async (db, tenantId, token) =>
            {
                var who = parse.GetRequiredValue(user);
                var key = User.KeyOf(who);
                // An object id needs no lookup: a deleted user's history is still answerable.
                Guid? userId = Guid.TryParse(who, out var id)
                    ? id
                    : await db.Users.Where(u => u.TenantId == tenantId && u.UserPrincipalNameKey == key).Select(u => (Guid?)u.Id).FirstOrDefaultAsync(token);
                if (userId is null)
                {
                    return cli.Fail($"no user '{who}' in this tenant");
                }

                var answer = await LicenseHistory.AtAsync(db, tenantId, userId.Value, when, token);
                return parse.GetValue(json) ? cli.Json(answer) : Print(cli, who, answer);
            }, ct);
        });
        return history;
    }

    private static int Print(CliOutput cli, string who, LicenseHistoryAnswer answer) => cli.Details(
        $"{who} held {answer.Licenses.Count} license(s) at {answer.At:O}",
        [
            .. answer.Licenses.Select(l => (l.SkuPartNumber, l.DisabledPlans.Count == 0
                ? l.SkuId.ToString()
                : $"{l.SkuId} (disabled plans: {string.Join(", ", l.DisabledPlans)})")),
            ("As of", answer.AsOf is { } asOf ? $"{asOf:O} (event {answer.AsOfEventId})" : "no license change recorded before then"),
            .. answer.TrailStartsAfter is { } start ? [("Trail starts", $"{start:O} (older events were purged)")] : Array.Empty<(string, string)>(),
        ]);
}
