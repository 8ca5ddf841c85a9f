using System.CommandLine;
using Skuld.Store.Bootstrap;

namespace Skuld.Cli.Bootstrap;

/// <summary><c>skuld subscription add --tenant DOMAIN --sku PARTNUMBER --units N [--json]</c>.</summary>
internal static class SubscriptionCommand
{
    public static Command Create(CliOutput cli)
    {
        var tenant = new Option<string>("--tenant") { Description = "The tenant's domain, e.g. contoso.com.", Required = true };
        var sku = new Option<string>("--sku") { Description = "The product's part number, e.g. ENTERPRISEPACK.", Required = true };
        var units = new Option<int>("--units") { Description = "How many seats the subscription adds.", Required = true };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var store = StoreOptions.Create();

        var add = new Command("add", "Add a subscription of a product to a tenant.") { tenant, sku, units, json, store };
        add.SetAction((parse, ct) => BootstrapAction.RunAsync(
            cli,
            parse.GetRequiredValue(store),
            (db, token) => TenantBootstrap.AddSubscriptionAsync(db, parse.GetRequiredValue(tenant), parse.GetRequiredValue(sku),
                parse.GetValue(units), TimeProvider.System, token),
            added => parse.GetValue(json) ? cli.Json(added) : Print(cli, added),
            ct));

        return new Command("subscription", "Manage a tenant's subscriptions (works on the store directly).") { add };
    }

    private static int Print(CliOutput cli, SubscriptionAdded added) => cli.Details(
        $"{added.Units} units of {added.SkuPartNumber} added",
        ("Subscription id", added.SubscriptionId.ToString()),
        ("SKU id", added.SkuId.ToString()),
        ("Tenant id", added.TenantId.ToString()),
        ("Enabled units", $"{added.EnabledUnits} in all subscriptions of {added.SkuPartNumber}"));
}
