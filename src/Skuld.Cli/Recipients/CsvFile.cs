using System.Text;

namespace Skuld.Cli.Recipients;

/// <summary>RFC 4180 CSV: comma-separated, fields optionally in double quotes (<c>""</c> inside is a quote), a header row.</summary>
internal static class CsvFile
{
    /// <summary>The records of the text, each a list of fields; null (and the line) when a quoted field never ends.</summary>
    public static List<List<string>>? Parse(string text, out int badLine)
    {
        badLine = 0;
        var records = new List<List<string>>();
        var record = new List<string>();
        var field = new StringBuilder();
        var (quoted, line, fieldStarted) = (false, 1, false);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    line += c == '\n' ? 1 : 0;
                    field.Append(c);
                }

                continue;
            }

            switch (c)
            {
                case '"' when field.Length == 0:
                    quoted = fieldStarted = true;
                    break;
                case ',':
                    record.Add(field.ToString());
                    field.Clear();
                    fieldStarted = true;
                    break;
                case '\r':
                    break;
                case '\n':
                    EndRecord();
                    line++;
                    break;
                default:
                    field.Append(c);
                    fieldStarted = true;
                    break;
            }
        }

        if (quoted)
        {
            badLine = line;
            return null;
        }

        EndRecord();
        return records;

        void EndRecord()
        {
            if (fieldStarted || record.Count > 0)
            {
                record.Add(field.ToString());
                records.Add(record);
            }

            record = [];
            field.Clear();
            fieldStarted = false;
        }
    }
}
