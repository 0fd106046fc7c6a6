using System.Text;

namespace DomainScreen.Core.Submissions;

/// <summary>A small RFC 4180 reader: quoted fields, doubled quotes, CRLF or LF, newlines inside quotes.</summary>
internal static class Csv
{
    public static IEnumerable<(int Record, List<string> Fields, string? Error)> ReadRecords(string text)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var record = 1;
        var inQuotes = false;
        string? error = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (inQuotes)
            {
                if (c != '"') field.Append(c);
                else if (i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
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
