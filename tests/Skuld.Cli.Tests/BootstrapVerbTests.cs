using Microsoft.EntityFrameworkCore;
using Skuld.Store.Auth;
using Skuld.Testing;

namespace Skuld.Cli.Tests;

public sealed class BootstrapVerbTests
{
    [Theory, AllStores]
    public async Task Tenant_create_json_has_tenant_id_user_id_and_a_generated_password(StoreKind kind)
    {
        await using var store = await TestStore.CreateEmptyAsync(kind, TestContext.Current.CancellationToken);

        var json = (await CliRun.RunAsync("tenant", "create", "--domain", "contoso.com", "--country", "US",
            "--admin", "admin@contoso.com", "--json", "--store", store.Spec)).Json();

        var tenantId = json.GetProperty("tenantId").GetGuid();
        var userId = json.GetProperty("userId").GetGuid();
        var password = json.GetProperty("password").GetString() ?? "";
        Assert.True(password.Length >= 16);
        await using var db = store.NewDb();
        var tenant = await db.Tenants.SingleAsync(TestContext.Current.CancellationToken);
        Assert.Equal(tenantId, tenant.Id);
        Assert.Equal("contoso.onmicrosoft.com", tenant.InitialDomain);
        var admin = await db.Users.SingleAsync(u => u.Id == userId, TestContext.Current.CancellationToken);
        Assert.Equal("US", admin.UsageLocation);
        Assert.True(SecretHasher.Verify(password, admin.PasswordHash ?? ""));
        var role = await db.RoleAssignments.SingleAsync(r => r.PrincipalId == userId, TestContext.Current.CancellationToken);
        Assert.Equal(DirectoryRole.GlobalAdministrator, role.Role);
        Assert.Contains(await db.AuditEvents.Select(e => e.ActivityDisplayName).ToListAsync(TestContext.Current.CancellationToken), a => a == "Add user");
    }

    [Theory, AllStores]
    public async Task Tenant_create_keeps_the_given_password(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, TestContext.Current.CancellationToken);

        var json = (await CliRun.RunAsync("tenant", "create", "--domain", "fabrikam.com", "--country", "de",
            "--admin", "root@fabrikam.com", "--password", "Correct-Horse-9", "--json", "--store", store.Spec)).Json();

        Assert.Equal("Correct-Horse-9", json.GetProperty("password").GetString());
    }

    [Theory, AllStores]
    public async Task Tenant_create_with_a_taken_domain_fails_with_exit_1_and_says_so(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, TestContext.Current.CancellationToken);
        string[] args = ["tenant", "create", "--domain", "contoso.com", "--country", "US", "--admin", "admin@contoso.com", "--store", store.Spec];
        Assert.Equal(0, (await CliRun.RunAsync(args)).ExitCode);

        var second = await CliRun.RunAsync(args);

        Assert.Equal(1, second.ExitCode);
        Assert.Contains("A tenant with the domain 'contoso.com' already exists.", second.Error);
        Assert.DoesNotContain("   at ", second.Error);
        Assert.Equal("", second.Output);
    }

    [Theory]
    [InlineData("contoso", "US", "admin@contoso", "not a valid domain name")]
    [InlineData("contoso.com", "XX", "admin@contoso.com", "not an ISO 3166-1 two-letter country code")]
    [InlineData("contoso.com", "US", "admin@fabrikam.com", "must be in the tenant's domain")]
    [InlineData("contoso.com", "US", "not an address", "not a valid user principal name")]
    public async Task Tenant_create_refuses_invalid_input_with_a_clear_message(string domain, string country, string admin, string message)
    {
        await using var store = await TestStore.CreateAsync(StoreKind.Sqlite, TestContext.Current.CancellationToken);

        var run = await CliRun.RunAsync("tenant", "create", "--domain", domain, "--country", country, "--admin", admin, "--store", store.Spec);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains(message, run.Error);
    }

    [Fact]
    public async Task Tenant_create_refuses_a_weak_password()
    {
        await using var store = await TestStore.CreateAsync(StoreKind.Sqlite, TestContext.Current.CancellationToken);

        var run = await CliRun.RunAsync("tenant", "create", "--domain", "contoso.com", "--country", "US",
            "--admin", "admin@contoso.com", "--password", "password", "--store", store.Spec);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("at least three of", run.Error);
    }

    [Theory, AllStores]
    public async Task Subscription_add_sums_units_of_the_same_product(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, TestContext.Current.CancellationToken);
        await CreateContosoAsync(store);

        var first = (await CliRun.RunAsync("subscription", "add", "--tenant", "contoso.com", "--sku", "ENTERPRISEPACK", "--units", "25", "--json", "--store", store.Spec)).Json();
        var second = (await CliRun.RunAsync("subscription", "add", "--tenant", "contoso.com", "--sku", "enterprisepack", "--units", "5", "--json", "--store", store.Spec)).Json();

        Assert.Equal(new Guid("6fd2c87f-b296-42f0-b197-1e91e994b900"), second.GetProperty("skuId").GetGuid());
        Assert.NotEqual(first.GetProperty("subscriptionId").GetGuid(), second.GetProperty("subscriptionId").GetGuid());
        Assert.Equal(30, second.GetProperty("enabledUnits").GetInt32());
        await using var db = store.NewDb();
        var sku = await db.TenantSkus.SingleAsync(TestContext.Current.CancellationToken);
        Assert.Equal(30, sku.EnabledUnits);
        Assert.Equal(0, sku.ConsumedUnits);
        Assert.Equal(2, await db.Subscriptions.CountAsync(TestContext.Current.CancellationToken));
    }

    [Theory, AllStores]
    public async Task Subscription_add_with_an_unknown_part_number_fails(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, TestContext.Current.CancellationToken);
        await CreateContosoAsync(store);

        var run = await CliRun.RunAsync("subscription", "add", "--tenant", "contoso.com", "--sku", "NOT_A_SKU", "--units", "5", "--store", store.Spec);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("No product with the part number 'NOT_A_SKU'", run.Error);
        await using var db = store.NewDb();
        Assert.False(await db.Subscriptions.AnyAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Subscription_add_to_an_unknown_tenant_fails()
    {
        await using var store = await TestStore.CreateAsync(StoreKind.Sqlite, TestContext.Current.CancellationToken);

        var run = await CliRun.RunAsync("subscription", "add", "--tenant", "nowhere.com", "--sku", "EMS", "--units", "5", "--store", store.Spec);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("No tenant with the domain 'nowhere.com'", run.Error);
    }

    [Theory, AllStores]
    public async Task App_create_prints_client_id_and_secret_and_stores_the_role(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, TestContext.Current.CancellationToken);
        await CreateContosoAsync(store);

        var json = (await CliRun.RunAsync("app", "create", "--tenant", "contoso.com", "--name", "License bot",
            "--role", "License Administrator", "--json", "--store", store.Spec)).Json();

        var clientId = json.GetProperty("clientId").GetGuid();
        var secret = json.GetProperty("clientSecret").GetString() ?? "";
        await using var db = store.NewDb();
        var app = await db.AppRegistrations.SingleAsync(TestContext.Current.CancellationToken);
        Assert.Equal(clientId, app.AppId);
        Assert.Equal("License bot", app.DisplayName);
        Assert.True(SecretHasher.Verify(secret, app.SecretHash));
        Assert.DoesNotContain(secret, app.SecretHash);
        var role = await db.RoleAssignments.SingleAsync(r => r.PrincipalId == app.Id, TestContext.Current.CancellationToken);
        Assert.Equal(DirectoryRole.LicenseAdministrator, role.Role);
    }

    [Fact]
    public async Task App_create_with_an_unknown_role_lists_the_known_ones()
    {
        await using var store = await TestStore.CreateAsync(StoreKind.Sqlite, TestContext.Current.CancellationToken);
        await CreateContosoAsync(store);

        var run = await CliRun.RunAsync("app", "create", "--tenant", "contoso.com", "--name", "bot", "--role", "Janitor", "--store", store.Spec);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("'Janitor' is not a role", run.Error);
        Assert.Contains("\"License Administrator\"", run.Error);
    }

    [Fact]
    public async Task Readable_output_shows_the_password_once_with_labels()
    {
        await using var store = await TestStore.CreateAsync(StoreKind.Sqlite, TestContext.Current.CancellationToken);

        var run = await CliRun.RunAsync("tenant", "create", "--domain", "contoso.com", "--country", "US",
            "--admin", "admin@contoso.com", "--password", "Correct-Horse-9", "--store", store.Spec);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Tenant contoso.com created", run.Output);
        Assert.Contains("Correct-Horse-9", run.Output);
        Assert.Contains("http://HOST/contoso.com/oauth2/v2.0/token", run.Output);
    }

    [Fact]
    public async Task A_missing_required_option_is_a_usage_error()
    {
        var run = await CliRun.RunAsync("tenant", "create", "--domain", "contoso.com");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--country", run.Error);
    }

    [Fact]
    public async Task An_unknown_store_provider_is_a_usage_error()
    {
        var run = await CliRun.RunAsync("tenant", "create", "--domain", "contoso.com", "--country", "US",
            "--admin", "admin@contoso.com", "--store", "mysql:whatever");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("unknown provider 'mysql'", run.Error);
    }

    [Fact]
    public async Task A_second_tenant_wanting_the_same_initial_domain_gets_a_numbered_one()
    {
        await using var store = await TestStore.CreateAsync(StoreKind.Sqlite, TestContext.Current.CancellationToken);
        await CreateContosoAsync(store);

        var json = (await CliRun.RunAsync("tenant", "create", "--domain", "contoso.org", "--country", "US",
            "--admin", "admin@contoso.org", "--json", "--store", store.Spec)).Json();

        Assert.Equal("contoso2.onmicrosoft.com", json.GetProperty("initialDomain").GetString());
    }

    private static async Task CreateContosoAsync(TestStore store)
    {
        var run = await CliRun.RunAsync("tenant", "create", "--domain", "contoso.com", "--country", "US", "--admin", "admin@contoso.com", "--store", store.Spec);
        Assert.Equal(0, run.ExitCode);
    }
}
