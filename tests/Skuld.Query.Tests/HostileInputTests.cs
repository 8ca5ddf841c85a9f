using Skuld.Server.Graph.Query;

namespace Skuld.Query.Tests;

/// <summary>Whatever a client sends, parsing answers a value or a 400, never an exception (a 500).</summary>
public sealed class HostileInputTests
{
    [Theory]
    [InlineData("$filter=")]
    [InlineData("$select=")]
    [InlineData("$orderby=")]
    [InlineData("$top=")]
    [InlineData("$skiptoken=")]
    [InlineData("$filter=1 eq 1")]
    [InlineData("$filter=true")]
    [InlineData("$filter=$it")]
    [InlineData("$filter=@p eq 1")]
    [InlineData("$filter=displayName eq @p&@p='x'")]
    [InlineData("$filter=cast(displayName, Edm.Int32) eq 1")]
    [InlineData("$filter=isof(displayName, Edm.String)")]
    [InlineData("$filter=assignedLicenses/any()")]
    [InlineData("$filter=assignedLicenses/any(x:x/skuId eq null)")]
    [InlineData("$filter=assignedLicenses/any(x:x/skuId eq 'not-a-guid')")]
    [InlineData("$filter=assignedLicenses/any(x:assignedLicenses/any(y:y/skuId eq x/skuId))")]
    [InlineData("$filter=proxyAddresses/any(x:x/length eq 1)")]
    [InlineData("$filter=length(displayName) eq 3")]
    [InlineData("$filter=displayName eq 'a' and")]
    [InlineData("$filter=(((((displayName eq 'a'")]
    [InlineData("$filter=displayName eq 'a' or accountEnabled")]
    [InlineData("$filter=accountEnabled eq null")]
    [InlineData("$filter=userType in ()")]
    [InlineData("$filter=displayName has 'a'")]
    [InlineData("$filter=startsWith(displayName, null)")]
    [InlineData("$filter=startsWith('a', displayName)")]
    [InlineData("$filter=id eq 184efa21-98c3-4e5d-95ab-d07053a96e67")]
    [InlineData("$filter=signInActivity/lastSignInDateTime le 2020-01-01T00:00:00Z")]
    [InlineData("$filter=%00")]
    [InlineData("$filter=displayName eq '%F0%9F%99%82'")]
    [InlineData("$select=assignedLicenses/skuId")]
    [InlineData("$select=*")]
    [InlineData("$select=id,,displayName")]
    [InlineData("$select=manager")]
    [InlineData("$orderby=displayName asc desc")]
    [InlineData("$orderby=assignedLicenses/$count")]
    [InlineData("$top=99999999999999999999")]
    [InlineData("$count=TRUE")]
    [InlineData("$skiptoken=%FF%FE")]
    public void Parsing_answers_a_query_or_a_400(string query)
    {
        var result = UserQuery.Parse(Requests.Users(query, eventual: true));

        Assert.True(result.Value is not null || result.Error is { StatusCode: 400 });
    }
}
