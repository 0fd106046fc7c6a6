using System.Text;

namespace DomainScreen.Core.Submissions;

/// <summary>
/// A small RFC 4180 reader: quoted fields, doubled quotes, CRLF or LF, newlines inside quotes. Streams from a
/// <see cref="TextReader"/> (a feed file of any size); a field longer than <see cref="MaxField"/> characters is cut
/// and the record marked.
/// </summary>
internal static class Csv
{
    public const int MaxField = 4096;

    public static IEnumerable<(int Record, List<string> Fields, string? Error)> ReadRecords(string text) => ReadRecords(new StringReader(text));

    public static IEnumerable<(int Record, List<string> Fields, string? Error)> ReadRecords(TextReader reader)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var record = 1;
        var inQuotes = false;
        string? error = null;
        int read;
        while ((read = reader.Read()) >= 0)
        {
            var c = (char)read;
            if (field.Length >= MaxField)
            {
                error ??= $"record {record} has a field over {MaxField} characters";
                if (c is not ('\n' or ',' or '"')) continue;
            }
            if (inQuotes)
            {
                if (c != '"') field.Append(c);
                else if (reader.Peek() == '"') { field.Append('"'); reader.Read(); }
                else inQuotes = false;
                continue;
            }
            switch (c)
            {
                case '"' when field.Length == 0:
                    inQuotes = true;
                    break;
                case '"':
                    error ??= $"record {record} has a quote inside an unquoted field";
                    field.Append(c);
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    break;
                case '\r':
                    break;
                case '\n':
                    fields.Add(field.ToString());
                    yield return (record++, fields, error);
                    fields = [];
                    field.Clear();
                    error = null;
                    break;
                default:
                    field.Append(c);
                    break;
            }
        }
        if (inQuotes) error ??= $"record {record} has an unclosed quote";
        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            yield return (record, fields, error);
        }
    }
}
