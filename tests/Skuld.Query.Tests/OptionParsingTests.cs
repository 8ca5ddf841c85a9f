using Skuld.Server.Graph.Query;
using static Skuld.Query.Tests.Requests;

namespace Skuld.Query.Tests;

public sealed class OptionParsingTests
{
    [Fact]
    public void Without_select_the_projection_is_graphs_default()
    {
        var query = Parsed("");

        Assert.Equal(
            ["businessPhones", "displayName", "givenName", "jobTitle", "mail", "mobilePhone", "officeLocation", "preferredLanguage", "surname", "userPrincipalName", "id"],
            query.Selection.Properties);
    }

    [Fact]
    public void Select_keeps_request_order_and_canonical_names()
    {
        var query = Parsed("$select=ID,assignedLicenses,UsageLocation");

        Assert.Equal(["id", "assignedLicenses", "usageLocation"], query.Selection.Properties);
    }

    [Fact]
    public void Select_of_a_graph_property_skuld_does_not_keep_is_allowed()
    {
        var query = Parsed("$select=id,businessPhones,mobilePhone,onPremisesSyncEnabled,signInActivity,licenseAssignmentStates");

        Assert.Equal(["id", "businessPhones", "mobilePhone", "onPremisesSyncEnabled", "signInActivity", "licenseAssignmentStates"], query.Selection.Properties);
    }

    [Fact]
    public void Select_of_a_name_graph_does_not_have_uses_graphs_message()
    {
        var error = Failed("$select=id,xyz");

        Assert.Equal((400, "Request_BadRequest", "Could not find a property named 'xyz' on type 'microsoft.graph.user'."), (error.StatusCode, error.Code, error.Message));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1000")]
    [InlineData("-1")]
    [InlineData("abc")]
    public void Top_outside_1_to_999_uses_graphs_page_size_message(string top)
    {
        var error = Failed("$top=" + top);

        Assert.Equal(("Request_BadRequest", $"Invalid page size specified: '{top}'. Must be between 1 and 999 inclusive."), (error.Code, error.Message));
    }

    [Fact]
    public void Top_defaults_to_100_and_takes_999()
    {
        Assert.Equal(100, Parsed("").Top);
        Assert.Equal(999, Parsed("$top=999").Top);
    }

    [Fact]
    public void Count_without_eventual_consistency_is_refused_with_graphs_message()
    {
        var error = Failed("$count=true");

        Assert.Equal(("Request_BadRequest", "$count is not currently supported."), (error.Code, error.Message));
    }

    [Fact]
    public void Count_with_eventual_consistency_is_accepted()
    {
        Assert.True(Parsed("$count=true", eventual: true).Count);
    }

    [Fact]
    public void Invalid_count_value_is_a_bad_request()
    {
        Assert.Equal("Request_BadRequest", Failed("$count=maybe", eventual: true).Code);
    }

    [Theory]
    [InlineData("$skip=10", "'$skip' is not supported by the service.")]
    [InlineData("$expand=manager", "'$expand' is not supported by the service.")]
    [InlineData("$foo=1", "'$foo' is not supported by the service.")]
    public void Unsupported_system_options_are_bad_requests(string query, string message)
    {
        var error = Failed(query);

        Assert.Equal(("Request_BadRequest", message), (error.Code, error.Message));
    }

    [Fact]
    public void Search_without_eventual_consistency_names_the_header()
    {
        var error = Failed("$search=%22displayName:a%22");

        Assert.Equal(("Request_UnsupportedQuery", CollectionQueryParser.SearchNeedsEventual), (error.Code, error.Message));
    }

    [Fact]
    public void Repeated_option_is_a_bad_request()
    {
        Assert.Equal("Request_BadRequest", Failed("$top=1&$TOP=2").Code);
    }

    [Fact]
    public void Options_that_are_not_system_options_are_ignored()
    {
        Assert.Equal(5, Parsed("$top=5&api-version=1").Top);
    }

    [Theory]
    [InlineData("displayName", false)]
    [InlineData("userPrincipalName desc", true)]
    public void Orderby_accepts_display_name_and_upn(string orderBy, bool descending)
    {
        var query = Parsed("$orderby=" + orderBy);

        Assert.Equal(descending, query.OrderBy?.Descending);
    }

    [Theory]
    [InlineData("mail")]
    [InlineData("displayName,id")]
    public void Orderby_on_anything_else_is_unsupported(string orderBy)
    {
        var error = Failed("$orderby=" + orderBy);

        Assert.Equal(("Request_UnsupportedQuery", "Sorting not supported for current query."), (error.Code, error.Message));
    }

    [Fact]
    public void Orderby_with_filter_is_an_advanced_query()
    {
        Assert.Equal("Request_UnsupportedQuery", Failed(Filter("userType eq 'Member'", "$orderby=displayName")).Code);
        Assert.NotNull(Parsed(Filter("userType eq 'Member'", "$orderby=displayName&$count=true"), eventual: true).OrderBy);
    }

    [Theory]
    [InlineData("garbage!")]
    [InlineData("AAAA")]
    public void Invalid_skiptoken_is_a_bad_request(string token)
    {
        var error = Failed("$skiptoken=" + token);

        Assert.Equal(("Request_BadRequest", "Invalid paging token."), (error.Code, error.Message));
    }

    [Fact]
    public void Skiptoken_made_for_another_sort_is_refused()
    {
        var token = new PageToken(Guid.NewGuid(), "displayName", "A").Encode();

        Assert.Equal("Invalid paging token.", Failed("$skiptoken=" + token).Message);
        Assert.NotNull(Parsed($"$orderby=displayName&$skiptoken={token}").After);
    }

    [Fact]
    public void Page_token_round_trips()
    {
        var token = new PageToken(Guid.NewGuid(), "displayName", "ÄDELE 🙂");

        Assert.Equal(token, PageToken.Decode(token.Encode()));
    }

    [Fact]
    public void Next_link_keeps_the_other_options_and_drops_the_old_token()
    {
        var token = new PageToken(Guid.NewGuid(), null, null).Encode();

        var query = Parsed($"$select=id&$skiptoken={token}&$top=2");

        Assert.Equal("https://skuld.example/v1.0/users?$select=id&$top=2&", query.NextLinkBase);
    }
}
