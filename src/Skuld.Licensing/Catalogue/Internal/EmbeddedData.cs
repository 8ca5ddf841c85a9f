namespace Skuld.Licensing.Catalogue.Internal;

/// <summary>Reads the CSV files embedded from Catalogue/Data (see the csproj for the resource names).</summary>
internal static class EmbeddedData
{
    public static IReadOnlyList<IReadOnlyDictionary<string, string>> ReadTable(string fileName)
    {
        var resource = "Skuld.Licensing.Catalogue." + fileName;
        using var stream = typeof(EmbeddedData).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Embedded resource {resource} is missing.");
        using var reader = new StreamReader(stream);
        return [.. CsvReader.ReadTable(reader)];
    }
}
