namespace Skuld.Licensing.Tests;

public sealed class CountriesTests
{
    [Theory]
    [InlineData("US")]
    [InlineData("GB")]
    [InlineData("JP")]
    [InlineData("BN")]
    [InlineData("AX")]
    [InlineData("ZW")]
    public void Assigned_upper_case_codes_are_valid(string code) => Assert.True(Countries.IsValid(code));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("us")]
    [InlineData("Us")]
    [InlineData("USA")]
    [InlineData("XX")]
    [InlineData("UK")]
    [InlineData("U")]
    [InlineData(" US")]
    public void Anything_else_is_invalid(string? code) => Assert.False(Countries.IsValid(code));

    [Fact]
    public void There_are_249_codes() => Assert.Equal(249, Countries.All.Count);
}
