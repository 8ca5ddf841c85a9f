using System.CommandLine;
using Skuld.Store.Bootstrap;

namespace Skuld.Cli.Bootstrap;

/// <summary><c>skuld tenant create --domain D --country CC --admin UPN [--password P] [--json]</c>.</summary>
internal static class TenantCommand
{
    public static Command Create(CliOutput cli)
    {
        var domain = new Option<string>("--domain") { Description = "The tenant's domain, e.g. contoso.com.", Required = true };
        var country = new Option<string>("--country") { Description = "Two-letter country code, e.g. US.", Required = true };
        var admin = new Option<string>("--admin") { Description = "The first Global Administrator, e.g. admin@contoso.com.", Required = true };
        var password = new Option<string?>("--password") { Description = "The admin's password (default: a strong generated one, printed once)." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var store = StoreOptions.Create();

        var create = new Command("create", "Create a tenant with its first Global Administrator.")
        {
            domain, country, admin, password, json, store,
        };
        create.SetAction((parse, ct) => BootstrapAction.RunAsync(
            cli,
            parse.GetRequiredValue(store),
            (db, token) => TenantBootstrap.CreateTenantAsync(db, parse.GetRequiredValue(domain), parse.GetRequiredValue(country),
                parse.GetRequiredValue(admin), parse.GetValue(password), TimeProvider.System, token),
            created => parse.GetValue(json) ? cli.Json(created) : Print(cli, created),
            ct));

        return new Command("tenant", "Manage tenants (works on the store directly).") { create, TenantSetCommand.Create(cli) };
    }

    private static int Print(CliOutput cli, TenantCreated created) => cli.Details(
        $"Tenant {created.Domain} created",
        ("Tenant id", created.TenantId.ToString()),
        ("Initial domain", created.InitialDomain),
        ("Admin", $"{created.UserPrincipalName} (Global Administrator)"),
        ("User id", created.UserId.ToString()),
        ("Password", $"{created.Password}  (shown once)"),
        ("Token URL", $"http://HOST/{created.Domain}/oauth2/v2.0/token"));
}
