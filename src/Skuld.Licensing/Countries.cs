namespace Skuld.Licensing;

/// <summary>ISO 3166-1 alpha-2 country codes, as Graph's usageLocation takes them.</summary>
public static class Countries
{
    public static bool IsValid(string? code) => throw new NotImplementedException();
}
