using Skuld.Testing;

namespace Skuld.Cli.Tests;

public sealed class RecipientVerbTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory, AllStores]
    public async Task Contact_import_then_find_and_duplicates_report_the_quarantined_address(StoreKind kind)
    {
        await using var store = await TestStore.CreateEmptyAsync(kind, Ct);
        (await CliRun.RunAsync("tenant", "create", "--domain", "contoso.com", "--country", "US",
            "--admin", "admin@contoso.com", "--json", "--store", store.Spec)).Json();
        var csv = Path.Combine(Path.GetTempPath(), $"skuld-contacts-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(csv,
            "displayName,mail,proxyAddresses\n\"Bob, vendor\",bob@vendor.example,smtp:bob@sales.vendor.example\nBob again,BOB@Vendor.example,\n", Ct);
        try
        {
            var imported = (await CliRun.RunAsync("contact", "import", csv, "--tenant", "contoso.com", "--json", "--store", store.Spec)).Json();
            Assert.Equal((2, 1), (imported.GetProperty("created").GetInt32(), imported.GetProperty("quarantinedAddresses").GetInt32()));

            var found = (await CliRun.RunAsync("recipient", "find", "SMTP:BOB@vendor.example", "--tenant", "contoso.com", "--json", "--store", store.Spec)).Json();
            Assert.Equal(
                [("Bob, vendor", false), ("Bob again", true)],
                found.GetProperty("value").EnumerateArray().Select(v => (v.GetProperty("displayName").GetString(), v.GetProperty("quarantined").GetBoolean())));
            var table = await CliRun.RunAsync("recipient", "find", "@sales.vendor.example", "--tenant", "contoso.com", "--store", store.Spec);
            Assert.Equal(0, table.ExitCode);
            Assert.Contains("Bob, vendor", table.Output, StringComparison.Ordinal);

            var duplicates = (await CliRun.RunAsync("recipient", "duplicates", "--tenant", "contoso.com", "--json", "--store", store.Spec)).Json();
            Assert.Equal("bob@vendor.example", duplicates.GetProperty("value")[0].GetProperty("address").GetString());
            Assert.Equal(2, duplicates.GetProperty("value")[0].GetProperty("holders").GetArrayLength());
        }
        finally
        {
            File.Delete(csv);
        }
    }

    [Theory, AllStores]
    public async Task Bad_pattern_and_bad_file_exit_non_zero_with_a_message(StoreKind kind)
    {
        await using var store = await TestStore.CreateEmptyAsync(kind, Ct);
        (await CliRun.RunAsync("tenant", "create", "--domain", "contoso.com", "--country", "US",
            "--admin", "admin@contoso.com", "--json", "--store", store.Spec)).Json();

        var bad = await CliRun.RunAsync("recipient", "find", "@", "--tenant", "contoso.com", "--store", store.Spec);
        Assert.Equal(SkuldCli.Usage, bad.ExitCode);
        Assert.Contains("domain", bad.Error, StringComparison.Ordinal);

        var missing = await CliRun.RunAsync("contact", "import", "no-such-file.csv", "--tenant", "contoso.com", "--store", store.Spec);
        Assert.Equal(SkuldCli.Usage, missing.ExitCode);

        var csv = Path.Combine(Path.GetTempPath(), $"skuld-contacts-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(csv, "displayName,mail\nNo mail,not-an-address\n", Ct);
        try
        {
            var invalid = await CliRun.RunAsync("contact", "import", csv, "--tenant", "contoso.com", "--store", store.Spec);
            Assert.Equal(SkuldCli.Failed, invalid.ExitCode);
            Assert.Contains("row 1", invalid.Error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(csv);
        }
    }
}
