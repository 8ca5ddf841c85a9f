using System.CommandLine;
using Skuld.Server.Api.Audit;
using Skuld.Store.Audit;

namespace Skuld.Cli.Audit;

/// <summary>
/// <c>skuld audit verify|purge|retention --tenant DOMAIN [--json]</c>: the tenant's audit hash chain and its
/// retention, on the store directly. <c>verify</c> exits 1 when the chain is broken.
/// </summary>
internal static class AuditCommand
{
    public static Command Create(CliOutput cli)
    {
        return new Command("audit", "Check and trim a tenant's audit trail (works on the store directly).")
        {
            Verify(cli),
            Purge(cli),
            Retention(cli),
        };
    }

    private static Option<string> Tenant() => new("--tenant") { Description = "The tenant's domain, e.g. contoso.com.", Required = true };

    private static Option<bool> JsonOption() => new("--json") { Description = "Print one JSON object." };

    private static Command Verify(CliOutput cli)
    {
        var (tenant, json, store) = (Tenant(), JsonOption(), StoreOptions.Create());
        var verify = new Command("verify", "Seal new events into the tenant's hash chain and report the first broken link.") { tenant, json, store };
        verify.SetAction((parse, ct) => AuditStore.RunAsync(cli, parse.GetRequiredValue(store), parse.GetRequiredValue(tenant), async (db, tenantId, token) =>
        {
            var report = ChainReport.Of(await AuditChain.VerifyAsync(db, tenantId, token));
            if (parse.GetValue(json))
            {
                cli.Json(report);
            }
            else if (report.Status == "intact")
            {
                cli.Details($"Audit chain intact: {report.Count} events",
                    ("Sequences", $"{report.FirstSequence} to {report.LastSequence}"));
            }
            else
            {
                cli.Fail($"audit chain broken at sequence {report.Sequence} (event {report.EventId?.ToString() ?? "missing"}): {report.Reason}; {report.Count} events before it are intact");
            }

            return report.Status == "intact" ? SkuldCli.Ok : SkuldCli.Failed;
        }, ct));
        return verify;
    }

    private static Command Purge(CliOutput cli)
    {
        var (tenant, json, store) = (Tenant(), JsonOption(), StoreOptions.Create());
        var purge = new Command("purge", "Delete audit events older than the tenant's retention; the purge itself is audited.") { tenant, json, store };
        purge.SetAction((parse, ct) => AuditStore.RunAsync(cli, parse.GetRequiredValue(store), parse.GetRequiredValue(tenant), async (db, tenantId, token) =>
            await AuditRetention.PurgeAsync(db, tenantId, Actor.Operator, TimeProvider.System, token) switch
            {
                PurgeResult.Purged p when parse.GetValue(json) => cli.Json(new PurgeReport(p.Deleted, p.AnchorSequence, p.AnchorHash, p.PurgeEventId)),
                PurgeResult.Purged p => cli.Details($"{p.Deleted} audit events purged",
                    ("Chain starts after", p.AnchorSequence.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                    ("Anchor hash", p.AnchorHash ?? "(none)"),
                    ("Purge event", p.PurgeEventId.ToString())),
                _ => cli.Fail("this tenant keeps every audit event: set one with 'skuld audit retention --days N' first"),
            }, ct));
        return purge;
    }

    private static Command Retention(CliOutput cli)
    {
        var (tenant, json, store) = (Tenant(), JsonOption(), StoreOptions.Create());
        var days = new Option<int?>("--days") { Description = "Keep this many days of audit events (purge deletes older ones)." };
        var keepAll = new Option<bool>("--keep-all") { Description = "Keep every audit event (the default)." };
        var retention = new Command("retention", "Show or set how long the tenant keeps audit events.") { tenant, days, keepAll, json, store };
        retention.SetAction((parse, ct) => AuditStore.RunAsync(cli, parse.GetRequiredValue(store), parse.GetRequiredValue(tenant), async (db, tenantId, token) =>
        {
            var newDays = parse.GetValue(days);
            if (newDays is <= 0)
            {
                return cli.Fail("--days must be a positive number of days", SkuldCli.Usage);
            }

            if (newDays is not null || parse.GetValue(keepAll))
            {
                await AuditRetention.SetAsync(db, tenantId, parse.GetValue(keepAll) ? null : newDays, token);
            }

            var setting = new RetentionSetting(await AuditRetention.GetAsync(db, tenantId, token));
            return parse.GetValue(json)
                ? cli.Json(setting)
                : cli.Details("Audit retention", ("Keeps", setting.RetentionDays is { } d ? $"{d} days" : "everything"));
        }, ct));
        return retention;
    }
}
