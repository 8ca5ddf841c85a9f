using Skuld.Store.Recipients;

namespace Skuld.Store.Tests.Recipients;

/// <summary>The proxy calculation's rules (reference §5), table-driven and pure.</summary>
public sealed class ProxyCalculationRuleTests
{
    private const string Initial = "contoso.onmicrosoft.com";

    private static MailIdentity Nestor(string? mail = null, string? nickname = null, params string[] proxies) =>
        new("nestor@contoso.com", mail, nickname, proxies);

    private static string Text(MailAddresses a) => $"{a.Mail} | {string.Join(", ", a.ProxyAddresses)}";

    [Fact]
    public void Licensing_without_mail_makes_the_upn_primary_and_adds_the_initial_domain_address() =>
        Assert.Equal("nestor@contoso.com | SMTP:nestor@contoso.com, smtp:nestor@contoso.onmicrosoft.com",
            Text(ProxyCalculation.Licensed(Nestor(), ProxyCalculation.Moera(Nestor(), Initial))));

    [Fact]
    public void Licensing_with_mail_keeps_it_primary_and_adds_upn_and_initial_domain_address() =>
        Assert.Equal("nw@contoso.com | SMTP:nw@contoso.com, smtp:nestor@contoso.com, smtp:nestor@contoso.onmicrosoft.com",
            Text(ProxyCalculation.Licensed(Nestor("nw@contoso.com", null, "SMTP:nw@contoso.com"), "nestor@contoso.onmicrosoft.com")));

    [Fact]
    public void The_initial_domain_address_uses_the_mail_nickname_and_a_variant_has_four_digits()
    {
        Assert.Equal("nwilke@contoso.onmicrosoft.com", ProxyCalculation.Moera(Nestor(nickname: "nwilke"), Initial));
        Assert.Equal("nwilke0042@contoso.onmicrosoft.com", ProxyCalculation.Moera(Nestor(nickname: "nwilke"), Initial, 42));
    }

    [Fact]
    public void Licensing_twice_changes_nothing()
    {
        var once = ProxyCalculation.Licensed(Nestor(), "nestor@contoso.onmicrosoft.com");
        var twice = ProxyCalculation.Licensed(Nestor(once.Mail, null, [.. once.ProxyAddresses]), "nestor@contoso.onmicrosoft.com");
        Assert.Equal(Text(once), Text(twice));
    }

    [Fact]
    public void Unlicensing_removes_the_upn_primary_and_promotes_the_initial_domain_address() =>
        Assert.Equal("nestor@contoso.onmicrosoft.com | SMTP:nestor@contoso.onmicrosoft.com, smtp:extra@contoso.com",
            Text(ProxyCalculation.Unlicensed(
                Nestor("nestor@contoso.com", null, "SMTP:nestor@contoso.com", "smtp:nestor@contoso.onmicrosoft.com", "smtp:extra@contoso.com"), Initial)));

    [Fact]
    public void Unlicensing_keeps_a_mail_primary_and_removes_only_the_upn() =>
        Assert.Equal("nw@contoso.com | SMTP:nw@contoso.com, smtp:nestor@contoso.onmicrosoft.com",
            Text(ProxyCalculation.Unlicensed(
                Nestor("nw@contoso.com", null, "SMTP:nw@contoso.com", "smtp:NESTOR@contoso.com", "smtp:nestor@contoso.onmicrosoft.com"), Initial)));

    [Theory]
    [InlineData("smtp:Bob@Contoso.com", "bob@contoso.com", "contoso.com", false)]
    [InlineData("SMTP:bob@contoso.com", "bob@contoso.com", "contoso.com", true)]
    [InlineData("SIP:Bob@Contoso.com", "sip:bob@contoso.com", null, false)]
    [InlineData("X500:/o=Contoso/cn=Bob", "x500:/o=contoso/cn=bob", null, false)]
    public void Keys_are_lower_case_and_only_smtp_drops_its_prefix(string text, string key, string? domain, bool primary)
    {
        var address = ProxyAddress.TryParse(text);
        Assert.NotNull(address);
        Assert.Equal((key, domain, primary), (address.Key, address.Domain, address.IsPrimary));
    }

    [Theory]
    [InlineData("bob@contoso.com")]
    [InlineData("smtp:")]
    [InlineData(":bob@contoso.com")]
    [InlineData("smtp:bob")]
    [InlineData("smtp:bob@@contoso.com")]
    [InlineData("smtp:bob smith@contoso.com")]
    [InlineData("sm tp:bob@contoso.com")]
    public void Malformed_addresses_are_refused(string text) => Assert.Null(ProxyAddress.TryParse(text));
}
