using Skuld.Store.Recipients;

namespace Skuld.Store.Tests.Recipients;

public sealed class RecipientPatternTests
{
    [Theory]
    [InlineData("bob@contoso.com", RecipientSearchMode.Exact, "bob@contoso.com", null)]
    [InlineData(" SMTP:Bob@Contoso.COM ", RecipientSearchMode.Exact, "bob@contoso.com", null)]
    [InlineData("smtp:bob@contoso.com", RecipientSearchMode.Exact, "bob@contoso.com", null)]
    [InlineData("SIP:Bob@contoso.com", RecipientSearchMode.Exact, "sip:bob@contoso.com", null)]
    [InlineData("Bob*", RecipientSearchMode.Prefix, "bob", null)]
    [InlineData("smtp:bob*", RecipientSearchMode.Prefix, "bob", null)]
    [InlineData("*", RecipientSearchMode.Prefix, "", null)]
    [InlineData("@Contoso.com", RecipientSearchMode.Domain, "contoso.com", null)]
    [InlineData("*@contoso.com", RecipientSearchMode.Domain, "contoso.com", null)]
    [InlineData("@contoso.*", RecipientSearchMode.Wildcard, "", "*@contoso.*")]
    [InlineData("B*b@contoso.*", RecipientSearchMode.Wildcard, "b", "b*b@contoso.*")]
    [InlineData("b?b@contoso.com", RecipientSearchMode.Wildcard, "b", "b?b@contoso.com")]
    [InlineData("a%b_c*", RecipientSearchMode.Prefix, "a%b_c", null)]
    public void Input_is_read_as_its_mode_in_key_space(string input, RecipientSearchMode mode, string text, string? pattern)
    {
        var parsed = RecipientPattern.TryParse(input, out var error);

        Assert.True(parsed is not null, error);
        Assert.Equal(new RecipientPattern(mode, text, pattern), parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("@")]
    [InlineData("*@")]
    [InlineData("@a@b.com")]
    [InlineData("smtp:")]
    [InlineData("bob @contoso.com")]
    [InlineData("bob\u0000@contoso.com")]
    [InlineData("*a*b*c*d*e*f*g*h*i*")]
    public void Bad_input_is_refused_with_a_reason(string input)
    {
        Assert.Null(RecipientPattern.TryParse(input, out var error));
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public void A_broken_surrogate_pair_is_refused()
    {
        // Not as InlineData: the test runner's serialisation replaces a lone surrogate.
        Assert.Null(RecipientPattern.TryParse("bob\ud800@contoso.com", out _));
        Assert.Null(RecipientPattern.TryParse("\udc00bob*", out _));
        Assert.NotNull(RecipientPattern.TryParse("b\U0001F600b*", out _));
    }

    [Fact]
    public void Too_long_input_is_refused() =>
        Assert.Null(RecipientPattern.TryParse(new string('a', RecipientPattern.MaxLength + 1), out _));

    [Theory]
    [InlineData("bob", "boc")]
    [InlineData("a\uffff", "a\U00010000")]
    [InlineData("a\ud7ff", "a\ue000")]
    [InlineData("", null)]
    public void Upper_bound_is_the_next_string_in_code_point_order(string prefix, string? upper) =>
        Assert.Equal(upper, RecipientPattern.UpperBound(prefix));

    [Fact]
    public void Like_and_glob_patterns_keep_sql_wildcards_literal()
    {
        var pattern = RecipientPattern.TryParse("a%_\\[*?", out _)!;

        Assert.Equal("a\\%\\_\\\\[%_", pattern.LikePattern());
        Assert.Equal("a%_\\[[]*?", pattern.GlobPattern());
    }
}
