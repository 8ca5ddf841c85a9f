namespace Skuld.Cli.Tests;

/// <summary>Every CLI test runs on each store provider.</summary>
public sealed class Providers : TheoryData<string>
{
    public Providers()
    {
        Add("sqlite");
    }
}
