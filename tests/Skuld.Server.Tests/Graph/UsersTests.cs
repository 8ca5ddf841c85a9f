using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Graph.Models;
using Microsoft.Graph.Users.Item.AssignLicense;
using Skuld.Testing;
using static Skuld.Server.Tests.Graph.GraphTestTenant;

namespace Skuld.Server.Tests.Graph;

/// <summary><c>/v1.0/users</c> create, read, update and delete through the official Graph SDK.</summary>
public sealed class UsersTests
{
    private const string Password = "Str0ng-Passw0rd!";

    private static User NewUser(string upn, string displayName = "Alex Wilber") => new()
    {
        AccountEnabled = true,
        DisplayName = displayName,
        MailNickname = upn.Split('@')[0],
        UserPrincipalName = upn,
        UsageLocation = "GB",
        JobTitle = "Engineer",
        PasswordProfile = new PasswordProfile { Password = Password, ForceChangePasswordNextSignIn = false },
    };

    [Theory, AllStores]
    public async Task Post_creates_the_user_and_answers_201_with_its_fields(StoreKind kind)
    {
        await using var t = await StartAsync(kind);

        var created = await t.Graph.Users.PostAsync(NewUser("alexw@contoso.com"), cancellationToken: Cancel);

        Assert.NotNull(created);
        Assert.True(Guid.TryParse(created.Id, out var id));
        Assert.Equal(id.ToString("D"), created.Id);
        Assert.Equal("alexw@contoso.com", created.UserPrincipalName);
        Assert.Equal("Alex Wilber", created.DisplayName);
        Assert.Equal("alexw", created.MailNickname);
        Assert.Equal("GB", created.UsageLocation);
        Assert.Equal("Engineer", created.JobTitle);
        Assert.Equal("Member", created.UserType);
        Assert.True(created.AccountEnabled);
        Assert.Equal(t.Server.Time.GetUtcNow().ToUnixTimeSeconds(), created.CreatedDateTime?.ToUnixTimeSeconds());

        var read = await t.Graph.Users[created.Id].GetAsync(r => r.QueryParameters.Select = ["id", "usageLocation", "jobTitle"], Cancel);
        Assert.Equal((created.Id, "GB", "Engineer"), (read!.Id, read.UsageLocation, read.JobTitle));
    }

    [Theory, AllStores]
    public async Task Post_returns_201_with_a_location_header(StoreKind kind)
    {
        await using var t = await StartAsync(kind);
        var body = """{"accountEnabled":true,"displayName":"Raw","mailNickname":"raw","userPrincipalName":"raw@contoso.com","passwordProfile":{"password":"Str0ng-Passw0rd!"}}""";

        var response = await t.Http().PostAsync("/v1.0/users", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Cancel);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("id").GetString();
        Assert.Equal($"http://localhost/v1.0/users/{id}", response.Headers.Location?.ToString());
    }

    [Theory, AllStores]
    public async Task Post_with_a_user_principal_name_taken_in_another_case_is_refused(StoreKind kind)
    {
        await using var t = await StartAsync(kind);
        await t.Graph.Users.PostAsync(NewUser("megan@contoso.com"), cancellationToken: Cancel);

        await AssertErrorAsync(
            () => t.Graph.Users.PostAsync(NewUser("MEGAN@Contoso.com", "Megan again"), cancellationToken: Cancel),
            400, "Request_BadRequest", "Another object with the same value for property userPrincipalName already exists.");
    }

    [Theory, AllStores]
    public async Task Post_with_a_user_principal_name_in_a_foreign_domain_is_refused(StoreKind kind)
    {
        await using var t = await StartAsync(kind);

        await AssertErrorAsync(
            () => t.Graph.Users.PostAsync(NewUser("lee@fabrikam.com"), cancellationToken: Cancel),
            400, "Request_BadRequest",
            "The domain portion of the userPrincipalName property is invalid. You must use one of the verified domain names in your organization.");
    }

    [Theory, AllStores]
    public async Task Post_in_the_initial_onmicrosoft_domain_is_accepted(StoreKind kind)
    {
        await using var t = await StartAsync(kind);

        var created = await t.Graph.Users.PostAsync(NewUser("lee@contoso.onmicrosoft.com"), cancellationToken: Cancel);

        Assert.Equal("lee@contoso.onmicrosoft.com", created!.UserPrincipalName);
    }

    [Theory, AllStores]
    public async Task Get_finds_a_user_by_id_and_by_user_principal_name_in_any_case(StoreKind kind)
    {
        await using var t = await StartAsync(kind);
        var user = await t.AddUserAsync("adele");

        var byId = await t.Graph.Users[user.Id.ToString()].GetAsync(cancellationToken: Cancel);
        var byUpn = await t.Graph.Users["Adele@CONTOSO.com"].GetAsync(cancellationToken: Cancel);

        foreach (var read in new[] { byId!, byUpn! })
        {
            Assert.Equal(user.Id.ToString("D"), read.Id);
            Assert.Equal("adele@contoso.com", read.UserPrincipalName);
            Assert.Equal("adele", read.DisplayName);
            // Not in Graph's default projection.
            Assert.Null(read.UsageLocation);
            Assert.Null(read.AssignedLicenses);
        }
    }

    [Theory, AllStores]
    public async Task Get_of_an_unknown_user_is_404_resource_not_found(StoreKind kind)
    {
        await using var t = await StartAsync(kind);
        var id = Guid.NewGuid().ToString();

        await AssertErrorAsync(
            () => t.Graph.Users[id].GetAsync(cancellationToken: Cancel),
            404, "Request_ResourceNotFound", $"Resource '{id}' does not exist or one of its queried reference-property objects are not present.");
    }

    [Theory, AllStores]
    public async Task Select_returns_the_license_properties_usage_location_and_proxy_addresses(StoreKind kind)
    {
        await using var t = await StartAsync(kind, ("ENTERPRISEPACK", 5));
        var e3 = Sku("ENTERPRISEPACK");
        var sway = Plan("ENTERPRISEPACK", "SWAY");
        var user = await t.AddUserAsync("diego", "FR");
        await using (var db = t.NewDb())
        {
            var stored = await db.Users.FindAsync([t.Tenant.Id, user.Id], Cancel);
            stored!.ProxyAddresses = ["SMTP:diego@contoso.com", "smtp:diego@contoso.onmicrosoft.com"];
            await db.SaveChangesAsync(Cancel);
        }

        await t.Graph.Users[user.Id.ToString()].AssignLicense.PostAsync(
            new AssignLicensePostRequestBody { AddLicenses = [new AssignedLicense { SkuId = e3, DisabledPlans = [sway] }], RemoveLicenses = [] },
            cancellationToken: Cancel);

        var read = await t.Graph.Users[user.Id.ToString()].GetAsync(r => r.QueryParameters.Select =
            ["id", "assignedLicenses", "licenseAssignmentStates", "usageLocation", "proxyAddresses", "assignedPlans"], Cancel);

        Assert.NotNull(read);
        Assert.Equal("FR", read.UsageLocation);
        Assert.Equal(["SMTP:diego@contoso.com", "smtp:diego@contoso.onmicrosoft.com"], read.ProxyAddresses);
        var license = Assert.Single(read.AssignedLicenses!);
        Assert.Equal(e3, license.SkuId);
        Assert.Equal([sway], license.DisabledPlans!.Select(p => p!.Value));
        var state = Assert.Single(read.LicenseAssignmentStates!);
        Assert.Equal((e3, (string?)null, "Active", "None"), (state.SkuId, state.AssignedByGroup, state.State, state.Error));
        Assert.Equal([sway], state.DisabledPlans!.Select(p => p!.Value));
        var enabled = Product("ENTERPRISEPACK").Plans.Where(p => p.Id != sway).Select(p => p.Id).Order();
        Assert.Equal(enabled, read.AssignedPlans!.Select(p => p.ServicePlanId!.Value).Order());
        Assert.All(read.AssignedPlans!, p => Assert.Equal("Enabled", p.CapabilityStatus));
        Assert.Equal("exchange", read.AssignedPlans!.Single(p => p.ServicePlanId == Plan("ENTERPRISEPACK", "EXCHANGE_S_ENTERPRISE")).Service);
        // Only what was selected comes back.
        Assert.Null(read.DisplayName);
        Assert.Null(read.UserPrincipalName);
    }

    [Theory, AllStores]
    public async Task Select_of_a_graph_property_skuld_does_not_keep_comes_back_null(StoreKind kind)
    {
        await using var t = await StartAsync(kind);
        var user = await t.AddUserAsync("lynne");

        var read = await t.Graph.Users[user.Id.ToString()].GetAsync(r => r.QueryParameters.Select =
            ["displayName", "mobilePhone", "preferredLanguage"], Cancel);
        var raw = await t.Http().GetFromJsonAsync<JsonElement>(
            $"/v1.0/users/{user.Id}?$select=displayName,mobilePhone,preferredLanguage", Cancel);

        Assert.Equal("lynne", read!.DisplayName);
        Assert.Null(read.MobilePhone);
        Assert.Null(read.PreferredLanguage);
        Assert.Equal(JsonValueKind.Null, raw.GetProperty("mobilePhone").ValueKind);
        Assert.Equal(JsonValueKind.Null, raw.GetProperty("preferredLanguage").ValueKind);
    }

    [Theory, AllStores]
    public async Task Patch_answers_204_and_the_change_is_visible(StoreKind kind)
    {
        await using var t = await StartAsync(kind);
        var user = await t.AddUserAsync("pradeep", usageLocation: null);

        var response = await t.Graph.Users[user.Id.ToString()].PatchAsync(new User
        {
            UsageLocation = "DE",
            DisplayName = "Pradeep Gupta",
            AccountEnabled = false,
            OtherMails = ["pradeep@fabrikam.com", "pg@example.org"],
        }, cancellationToken: Cancel);

        Assert.Null(response); // 204: no body
        var read = await t.Graph.Users[user.Id.ToString()].GetAsync(r => r.QueryParameters.Select =
            ["usageLocation", "displayName", "accountEnabled", "otherMails"], Cancel);
        Assert.Equal(("DE", "Pradeep Gupta", (bool?)false), (read!.UsageLocation, read.DisplayName, read.AccountEnabled));
        Assert.Equal(["pradeep@fabrikam.com", "pg@example.org"], read.OtherMails);
    }

    [Theory, AllStores]
    public async Task Patch_answers_204_with_no_content(StoreKind kind)
    {
        await using var t = await StartAsync(kind);
        var user = await t.AddUserAsync("isaiah");

        var response = await t.Http().PatchAsync($"/v1.0/users/{user.Id}",
            new StringContent("""{"usageLocation":"CA"}""", System.Text.Encoding.UTF8, "application/json"), Cancel);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(Cancel));
    }

    [Theory, AllStores]
    public async Task Patch_with_an_invalid_usage_location_is_refused_and_changes_nothing(StoreKind kind)
    {
        await using var t = await StartAsync(kind);
        var user = await t.AddUserAsync("joni", "US");

        await AssertErrorAsync(
            () => t.Graph.Users[user.Id.ToString()].PatchAsync(new User { UsageLocation = "XX", DisplayName = "Changed" }, cancellationToken: Cancel),
            400, "Request_BadRequest", "Invalid value specified for property 'usageLocation' of resource 'User'.");

        var read = await t.Graph.Users[user.Id.ToString()].GetAsync(r => r.QueryParameters.Select = ["usageLocation", "displayName"], Cancel);
        Assert.Equal(("US", "joni"), (read!.UsageLocation, read.DisplayName));
    }

    [Theory, AllStores]
    public async Task Patch_of_the_user_principal_name_checks_domain_and_uniqueness_and_renames(StoreKind kind)
    {
        await using var t = await StartAsync(kind);
        var user = await t.AddUserAsync("renamed");
        await t.AddUserAsync("taken");

        await AssertErrorAsync(
            () => t.Graph.Users[user.Id.ToString()].PatchAsync(new User { UserPrincipalName = "TAKEN@contoso.com" }, cancellationToken: Cancel),
            400, "Request_BadRequest", "Another object with the same value for property userPrincipalName already exists.");
        await AssertErrorAsync(
            () => t.Graph.Users[user.Id.ToString()].PatchAsync(new User { UserPrincipalName = "renamed@fabrikam.com" }, cancellationToken: Cancel),
            400, "Request_BadRequest",
            "The domain portion of the userPrincipalName property is invalid. You must use one of the verified domain names in your organization.");

        // A change of case of its own name is no clash; addressed by its old name.
        await t.Graph.Users["renamed@contoso.com"].PatchAsync(new User { UserPrincipalName = "Renamed.New@contoso.com" }, cancellationToken: Cancel);

        var read = await t.Graph.Users["renamed.new@contoso.com"].GetAsync(cancellationToken: Cancel);
        Assert.Equal((user.Id.ToString("D"), "Renamed.New@contoso.com"), (read!.Id, read.UserPrincipalName));
        await t.Graph.Users[user.Id.ToString()].PatchAsync(new User { UserPrincipalName = "RENAMED.NEW@contoso.com" }, cancellationToken: Cancel);
        Assert.Equal("RENAMED.NEW@contoso.com", (await t.Graph.Users[user.Id.ToString()].GetAsync(cancellationToken: Cancel))!.UserPrincipalName);
    }

    [Theory, AllStores]
    public async Task Delete_answers_404_afterwards_and_frees_the_users_seats(StoreKind kind)
    {
        await using var t = await StartAsync(kind, ("ENTERPRISEPACK", 3), ("EMS", 2));
        var (e3, ems) = (Sku("ENTERPRISEPACK"), Sku("EMS"));
        var leaving = await t.AddUserAsync("leaving");
        var staying = await t.AddUserAsync("staying");
        await t.Graph.Users[leaving.Id.ToString()].AssignLicense.PostAsync(
            new AssignLicensePostRequestBody { AddLicenses = [new AssignedLicense { SkuId = e3 }, new AssignedLicense { SkuId = ems }], RemoveLicenses = [] },
            cancellationToken: Cancel);
        await t.Graph.Users[staying.Id.ToString()].AssignLicense.PostAsync(
            new AssignLicensePostRequestBody { AddLicenses = [new AssignedLicense { SkuId = e3 }], RemoveLicenses = [] },
            cancellationToken: Cancel);
        Assert.Equal((2, 1), (await t.ConsumedUnitsAsync(e3), await t.ConsumedUnitsAsync(ems)));

        await t.Graph.Users[leaving.Id.ToString()].DeleteAsync(cancellationToken: Cancel);

        await AssertErrorAsync(
            () => t.Graph.Users[leaving.Id.ToString()].GetAsync(cancellationToken: Cancel),
            404, "Request_ResourceNotFound",
            $"Resource '{leaving.Id}' does not exist or one of its queried reference-property objects are not present.");
        Assert.Equal((1, 0), (await t.ConsumedUnitsAsync(e3), await t.ConsumedUnitsAsync(ems)));
        await AssertErrorAsync(
            () => t.Graph.Users[leaving.Id.ToString()].DeleteAsync(cancellationToken: Cancel),
            404, "Request_ResourceNotFound",
            $"Resource '{leaving.Id}' does not exist or one of its queried reference-property objects are not present.");
    }
}
