using static Skuld.Query.Tests.Requests;

namespace Skuld.Query.Tests;

public sealed class FilterParsingTests
{
    [Theory]
    [InlineData("assignedLicenses/any(x:x/skuId eq 184efa21-98c3-4e5d-95ab-d07053a96e67)")]
    [InlineData("assignedLicenses/any(s:s/skuId eq 184efa21-98c3-4e5d-95ab-d07053a96e67 or s/skuId eq 6fd2c87f-b296-42f0-b197-1e91e994b900)")]
    [InlineData("userType eq 'Member'")]
    [InlineData("accountEnabled eq true")]
    [InlineData("accountEnabled")]
    [InlineData("usageLocation eq 'US'")]
    [InlineData("usageLocation eq null")]
    [InlineData("userPrincipalName eq 'adele@contoso.com'")]
    [InlineData("startsWith(userPrincipalName,'ad')")]
    [InlineData("startswith(displayName,'Ad')")]
    [InlineData("displayName eq 'Adele Vance'")]
    [InlineData("mail eq 'adele@contoso.com'")]
    [InlineData("startsWith(mail,'a')")]
    [InlineData("id eq '9a7ec4a2-3b4d-4d6c-9a53-2fb4d5a4b9a1'")]
    [InlineData("id in ('9a7ec4a2-3b4d-4d6c-9a53-2fb4d5a4b9a1', '0b1d5f7e-1111-4d6c-9a53-2fb4d5a4b9a1')")]
    [InlineData("proxyAddresses/any(x:x eq 'smtp:adele@contoso.com')")]
    [InlineData("proxyAddresses/any(x:startsWith(x,'SMTP:'))")]
    [InlineData("userType eq 'Member' and (accountEnabled eq true or usageLocation eq 'US')")]
    [InlineData("DisplayName eq 'x'")]
    public void Basic_filters_parse_without_advanced_headers(string filter)
    {
        var query = Parsed(Filter(filter));

        Assert.NotNull(query.Translation);
        Assert.False(query.Translation.IsAdvanced);
    }

    [Theory]
    [InlineData("assignedLicenses/$count eq 0")]
    [InlineData("assignedLicenses/$count ne 0")]
    [InlineData("not(assignedLicenses/any(x:x/skuId eq 184efa21-98c3-4e5d-95ab-d07053a96e67))")]
    [InlineData("userType ne 'Guest'")]
    [InlineData("usageLocation ne null")]
    [InlineData("endsWith(userPrincipalName,'@contoso.com')")]
    [InlineData("not(accountEnabled eq true)")]
    [InlineData("proxyAddresses/$count eq 0")]
    public void Advanced_filters_need_eventual_consistency_and_count(string filter)
    {
        var refused = Failed(Filter(filter));
        var refusedWithoutCount = Failed(Filter(filter), eventual: true);
        var accepted = Parsed(Filter(filter, "$count=true"), eventual: true);

        Assert.Equal(("Request_UnsupportedQuery", "Unsupported Query.", 400), (refused.Code, refused.Message, refused.StatusCode));
        Assert.Equal(("Request_UnsupportedQuery", "Unsupported Query."), (refusedWithoutCount.Code, refusedWithoutCount.Message));
        Assert.True(accepted.Translation?.IsAdvanced);
    }

    [Theory]
    [InlineData("businessPhones/any(x:x eq '1')")]
    [InlineData("createdDateTime ge 2024-01-01T00:00:00Z")]
    [InlineData("displayName gt 'a'")]
    [InlineData("contains(displayName,'a')")]
    [InlineData("assignedLicenses/any(x:x/disabledPlans/any(p:p eq 184efa21-98c3-4e5d-95ab-d07053a96e67))")]
    [InlineData("assignedLicenses/all(x:x/skuId eq 184efa21-98c3-4e5d-95ab-d07053a96e67)")]
    [InlineData("assignedLicenses/$count eq 2")]
    [InlineData("displayName eq mail")]
    [InlineData("onPremisesSyncEnabled eq true")]
    public void Unsupported_properties_and_operators_are_graphs_unsupported_query(string filter)
    {
        var error = Failed(Filter(filter, "$count=true"), eventual: true);

        Assert.Equal((400, "Request_UnsupportedQuery", "Unsupported Query."), (error.StatusCode, error.Code, error.Message));
    }

    [Fact]
    public void Syntax_errors_are_bad_requests_with_the_parsers_message_after_graphs_prefix()
    {
        var error = Failed(Filter("displayName eq"));

        Assert.Equal((400, "Request_BadRequest"), (error.StatusCode, error.Code));
        Assert.StartsWith("Invalid filter clause: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("displayName eq", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unterminated_literal_reports_the_position()
    {
        var error = Failed(Filter("displayName eq 'x"));

        Assert.Equal("Request_BadRequest", error.Code);
        Assert.StartsWith("Invalid filter clause: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mismatched_types_are_invalid_filter_clauses()
    {
        var error = Failed(Filter("accountEnabled eq 'true'"));

        Assert.Equal("Request_BadRequest", error.Code);
        Assert.StartsWith("Invalid filter clause: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_property_in_filter_uses_graphs_message()
    {
        var error = Failed(Filter("xyz eq 'a'"));

        Assert.Equal(("Request_BadRequest", "Could not find a property named 'xyz' on type 'microsoft.graph.user'."), (error.Code, error.Message));
    }

    [Fact]
    public void Id_that_is_not_a_guid_is_an_invalid_object_identifier()
    {
        var error = Failed(Filter("id eq 'nope'"));

        Assert.Equal(("Request_BadRequest", "Invalid object identifier 'nope'."), (error.Code, error.Message));
    }

    [Fact]
    public void Quote_injection_stays_inside_the_literal()
    {
        // '' is an escaped quote in OData: the whole thing is one string literal.
        var query = Parsed(Filter("displayName eq 'x'' or 1=1 --'"));

        Assert.NotNull(query.Translation);
        Assert.Contains("X' OR 1=1 --", query.Translation.Predicate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Unbalanced_injection_is_a_syntax_error_not_sql()
    {
        var error = Failed(Filter("displayName eq 'x' or 1=1 --'"));

        Assert.Equal("Request_BadRequest", error.Code);
    }

    [Fact]
    public void Absurdly_deep_filters_are_refused_not_overflowing_the_stack()
    {
        var filter = string.Join(" or ", Enumerable.Range(0, 300).Select(i => $"displayName eq '{i}'"));

        var error = Failed(Filter(filter));

        Assert.Equal("Request_UnsupportedQuery", error.Code);
    }
}
