using System.CommandLine;
using Skuld.Cli.Audit;
using Skuld.Store.Audit;
using Skuld.Store.Licensing;

namespace Skuld.Cli.Bootstrap;

/// <summary>
/// <c>skuld tenant set --tenant DOMAIN --nested-group-licensing on|off [--json]</c>: a tenant setting beyond
/// Entra, on the store directly. A change is audited (actor: the operator) and queues every licensed group
/// for re-evaluation, which a running server picks up at its next poll.
/// </summary>
internal static class TenantSetCommand
{
    /// <summary>What <c>--json</c> prints.</summary>
    public sealed record TenantSettingsChanged(string Tenant, bool NestedGroupLicensing, bool Changed);

    public static Command Create(CliOutput cli)
    {
        var tenant = new Option<string>("--tenant") { Description = "The tenant's domain, e.g. contoso.com.", Required = true };
        var nested = new Option<string>("--nested-group-licensing")
        {
            Description = "on: members of nested groups inherit a licensed group's licenses (beyond Entra); off: only direct members (Entra's behaviour, the default).",
            Required = true,
            HelpName = "on|off",
        };
        nested.AcceptOnlyFromAmong("on", "off");
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var store = StoreOptions.Create();

        var set = new Command("set", "Change a tenant setting.") { tenant, nested, json, store };
        set.SetAction((parse, ct) => AuditStore.RunAsync(cli, parse.GetRequiredValue(store), parse.GetRequiredValue(tenant), async (db, tenantId, token) =>
        {
            var on = parse.GetRequiredValue(nested) == "on";
            var setting = await NestedGroupLicensing.SetAsync(db, tenantId, on, Actor.Operator, TimeProvider.System, token);
            if (setting is null)
            {
                return cli.Fail($"no tenant '{parse.GetRequiredValue(tenant)}' in this store");
            }

            var domain = parse.GetRequiredValue(tenant).Trim().ToLowerInvariant();
            return parse.GetValue(json)
                ? cli.Json(new TenantSettingsChanged(domain, setting.NestedGroupLicensing, setting.Changed))
                : cli.Details(
                    $"Nested group licensing {(on ? "on" : "off")} for {domain}",
                    ("Changed", setting.Changed ? "yes: every licensed group is queued for re-evaluation" : "no: it already was"));
        }, ct));
        return set;
    }
}
