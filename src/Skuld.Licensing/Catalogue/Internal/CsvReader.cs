using System.Collections.Immutable;
using System.Text;

namespace Skuld.Licensing.Catalogue.Internal;

/// <summary>
/// A small RFC 4180 reader: quoted fields may hold commas, doubled quotes and line breaks;
/// CRLF and LF both end a record. Enough for the embedded data; not a general CSV library.
/// </summary>
internal static class CsvReader
{
    /// <summary>Reads all records, the header included. Blank lines are skipped.</summary>
    public static IEnumerable<ImmutableArray<string>> ReadRecords(TextReader reader)
    {
        var fields = ImmutableArray.CreateBuilder<string>();
        var field = new StringBuilder();
        var inQuotes = false;
        var recordHasContent = false;
        int c;
        while ((c = reader.Read()) != -1)
        {
            var ch = (char)c;
            if (inQuotes)
            {
                if (ch != '"')
                {
                    field.Append(ch);
                }
                else if (reader.Peek() == '"')
                {
                    reader.Read();
                    field.Append('"');
                }
                else
                {
                    inQuotes = false;
                }
                continue;
            }

            switch (ch)
            {
                case '"':
                    inQuotes = true;
                    recordHasContent = true;
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    recordHasContent = true;
                    break;
                case '\r':
                    // A lone CR is treated like CRLF; the LF that usually follows is swallowed here.
                    if (reader.Peek() == '\n')
                    {
                        reader.Read();
                    }
                    goto case '\n';
                case '\n':
                    if (recordHasContent || field.Length > 0)
                    {
                        fields.Add(field.ToString());
                        yield return fields.ToImmutable();
                    }
                    fields.Clear();
                    field.Clear();
                    recordHasContent = false;
                    break;
                default:
                    field.Append(ch);
                    recordHasContent = true;
                    break;
            }
        }

        if (inQuotes)
        {
            throw new InvalidDataException("CSV ends inside a quoted field.");
        }
        if (recordHasContent || field.Length > 0)
        {
            fields.Add(field.ToString());
            yield return fields.ToImmutable();
        }
    }

    /// <summary>Reads the records after the header as maps from column name to value.</summary>
    public static IEnumerable<IReadOnlyDictionary<string, string>> ReadTable(TextReader reader)
    {
        using var records = ReadRecords(reader).GetEnumerator();
        if (!records.MoveNext())
        {
            yield break;
        }
        var header = records.Current;
        while (records.MoveNext())
        {
            var record = records.Current;
            if (record.Length != header.Length)
            {
                throw new InvalidDataException($"CSV record has {record.Length} fields, the header has {header.Length}.");
            }
            var row = new Dictionary<string, string>(header.Length, StringComparer.Ordinal);
            for (var i = 0; i < header.Length; i++)
            {
                row[header[i]] = record[i];
            }
            yield return row;
        }
    }
}
