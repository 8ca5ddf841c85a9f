using System.CommandLine;
using Skuld.Store.Auth;
using Skuld.Store.Bootstrap;

namespace Skuld.Cli.Bootstrap;

/// <summary><c>skuld app create --tenant DOMAIN --name NAME --role ROLE [--json]</c>: prints the client id and secret.</summary>
internal static class AppCommand
{
    public static Command Create(CliOutput cli)
    {
        var roles = string.Join(", ", Enum.GetValues<DirectoryRole>().Select(r => r.DisplayName()));
        var tenant = new Option<string>("--tenant") { Description = "The tenant's domain, e.g. contoso.com.", Required = true };
        var name = new Option<string>("--name") { Description = "The app's display name.", Required = true };
        var role = new Option<string>("--role") { Description = $"The admin role the app gets: {roles}.", Required = true };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var store = StoreOptions.Create();

        var create = new Command("create", "Register an app that signs in with client credentials.") { tenant, name, role, json, store };
        create.SetAction((parse, ct) => BootstrapAction.RunAsync(
            cli,
            parse.GetRequiredValue(store),
            (db, token) => TenantBootstrap.CreateAppAsync(db, parse.GetRequiredValue(tenant), parse.GetRequiredValue(name),
                parse.GetRequiredValue(role), TimeProvider.System, token),
            created => parse.GetValue(json) ? cli.Json(created) : Print(cli, created),
            ct));

        return new Command("app", "Manage app registrations (works on the store directly).") { create };
    }

    private static int Print(CliOutput cli, AppCreated created) => cli.Details(
        $"App {created.DisplayName} created with role {created.Role}",
        ("Client id", created.ClientId.ToString()),
        ("Client secret", $"{created.ClientSecret}  (shown once)"),
        ("Object id", created.ObjectId.ToString()),
        ("Tenant id", created.TenantId.ToString()));
}
