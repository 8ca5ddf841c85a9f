using Skuld.Store.Bootstrap;
using Spectre.Console;

namespace Skuld.Cli.Serve;

/// <summary>What <c>serve --demo</c> prints so a person can get a token and call Graph in two commands.</summary>
internal static class SignInHint
{
    /// <summary>The first address, with a wildcard host made into one a client can call.</summary>
    public static string BaseUrl(ICollection<string> addresses)
    {
        var first = addresses.FirstOrDefault() ?? ServeCommand.DefaultUrls;
        var uri = new UriBuilder(first);
        if (uri.Host is "0.0.0.0" or "[::]" or "+" or "*")
        {
            uri.Host = "localhost";
        }

        return uri.Uri.GetLeftPart(UriPartial.Authority);
    }

    public static void Print(CliOutput cli, DemoCreated demo, string baseUrl)
    {
        var tenant = demo.Tenant;
        var tokenUrl = $"{baseUrl}/{tenant.Domain}/oauth2/v2.0/token";
        var skus = string.Join(", ", demo.Skus.Select(s => $"{s.SkuPartNumber} {s.ConsumedUnits}/{s.EnabledUnits}"));
        cli.Line("");
        cli.Line($"[green]Demo tenant {tenant.Domain.EscapeMarkup()} created[/]: {demo.Users} users, seats used {skus.EscapeMarkup()}.");
        cli.Line($"{demo.UsersWithoutUsageLocation} users have no usage location, and SPE_E5 is almost full, on purpose.");
        cli.Line("");
        cli.Line($"Sign in as [bold]{tenant.UserPrincipalName.EscapeMarkup()}[/] with password [bold]{tenant.Password.EscapeMarkup()}[/] (shown once).");
        cli.Line($"Token endpoint: {tokenUrl.EscapeMarkup()}");
        cli.Line("");
        var curl =
            $"TOKEN=$(curl -s -d grant_type=password -d username={tenant.UserPrincipalName} --data-urlencode 'password={tenant.Password}' "
            + $"-d scope=https://graph.microsoft.com/.default {tokenUrl} | sed -E 's/.*\"access_token\":\"([^\"]+)\".*/\\1/')\n"
            + $"curl -H \"Authorization: Bearer $TOKEN\" {baseUrl}/v1.0/subscribedSkus";
        cli.Raw(curl);
    }
}
