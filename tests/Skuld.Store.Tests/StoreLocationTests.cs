namespace Skuld.Store.Tests;

public sealed class StoreLocationTests
{
    [Fact]
    public void Sqlite_spec_names_a_file()
    {
        var location = StoreLocation.Parse("sqlite:/data/skuld.db");

        Assert.Equal(StoreProvider.Sqlite, location.Provider);
        Assert.Contains("/data/skuld.db", location.ConnectionString, StringComparison.Ordinal);
        Assert.Equal("sqlite:/data/skuld.db", location.ToString());
    }

    [Fact]
    public void Postgres_spec_takes_a_connection_string()
    {
        var location = StoreLocation.Parse("postgres:Host=db;Database=skuld;Username=skuld;Password=secret");

        Assert.Equal(StoreProvider.Postgres, location.Provider);
        Assert.Contains("Host=db", location.ConnectionString, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", location.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Default_is_skuld_db_in_the_current_folder()
    {
        Assert.Equal("sqlite:skuld.db", StoreLocation.Default.ToString());
    }

    [Theory]
    [InlineData("skuld.db", "expected sqlite:PATH or postgres:CONNECTION")]
    [InlineData("mysql:server=x", "unknown provider 'mysql'")]
    [InlineData("sqlite:", "nothing after 'sqlite:'")]
    [InlineData("postgres:Hots=db", "Invalid PostgreSQL connection string")]
    public void A_bad_spec_is_refused_with_a_message_for_the_command_line(string spec, string message)
    {
        Assert.False(StoreLocation.TryParse(spec, out _, out var error));
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.Contains(message, Assert.Throws<FormatException>(() => StoreLocation.Parse(spec)).Message, StringComparison.Ordinal);
    }
}
