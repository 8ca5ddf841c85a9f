using Skuld.Store.Bootstrap;

namespace Skuld.Cli.Tests;

public sealed class BootstrapRuleTests
{
    [Fact]
    public void Generated_passwords_meet_the_password_rule_and_differ()
    {
        var passwords = Enumerable.Range(0, 200).Select(_ => Passwords.Generate()).ToList();

        Assert.All(passwords, p => Assert.True(Passwords.IsStrongEnough(p), p));
        Assert.All(passwords, p => Assert.True(p.Any(char.IsUpper) && p.Any(char.IsLower) && p.Any(char.IsDigit) && p.Any(c => !char.IsLetterOrDigit(c)), p));
        // Characters a form body or a shell would change when the password is pasted unencoded.
        Assert.All(passwords, p => Assert.DoesNotContain(p, c => c is '%' or '+' or '&' or '=' or '\'' or ' '));
        Assert.Equal(passwords.Count, passwords.Distinct().Count());
    }

    [Theory]
    [InlineData("contoso.com", true)]
    [InlineData("sub.contoso-eu.co.uk", true)]
    [InlineData("contoso", false)]
    [InlineData("-contoso.com", false)]
    [InlineData("contoso..com", false)]
    [InlineData("contoso.c0m", false)]
    [InlineData("con toso.com", false)]
    public void Domain_syntax_follows_dns_labels(string domain, bool valid) =>
        Assert.Equal(valid, DomainNames.IsValidDomain(domain));

    [Theory]
    [InlineData("contoso.com", "contoso.onmicrosoft.com")]
    [InlineData("eu.fabrikam.de", "eu.onmicrosoft.com")]
    public void Initial_domain_is_the_first_label_under_onmicrosoft(string domain, string initial) =>
        Assert.Equal(initial, DomainNames.InitialDomainFor(domain));

    [Theory]
    [InlineData("admin@contoso.com", true)]
    [InlineData("o'brien.k@contoso.com", true)]
    [InlineData(".admin@contoso.com", false)]
    [InlineData("ad..min@contoso.com", false)]
    [InlineData("admin@", false)]
    [InlineData("admin", false)]
    public void User_principal_names_use_entra_alias_characters(string upn, bool valid) =>
        Assert.Equal(valid, DomainNames.TrySplitUserPrincipalName(upn, out _, out _));
}
