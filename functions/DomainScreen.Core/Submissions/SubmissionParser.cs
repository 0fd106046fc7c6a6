using System.Text;
using System.Text.Json;
using DomainScreen.Core.Domains;

namespace DomainScreen.Core.Submissions;

/// <summary>What a submission body held.</summary>
public sealed record ParsedSubmission(
    IReadOnlyList<DomainName> Accepted,
    IReadOnlyList<SubmissionLineError> Errors,
    int Lines,
    int Duplicates);

/// <summary>Why a body could not be read at all (as opposed to a bad line).</summary>
public sealed class SubmissionFormatException(int status, string code, string message) : Exception(message)
{
    /// <summary>400, 413 or 415.</summary>
    public int Status { get; } = status;

    public string Code { get; } = code;
}

/// <summary>
/// Reads a submission body: a JSON array of strings, <c>text/plain</c> with one name per line (blank lines and
/// <c>#</c> comments skipped), or <c>text/csv</c> with a <c>domain</c> column (RFC 4180 quoting).
/// </summary>
public sealed class SubmissionParser(DomainParser parser)
{
    public ParsedSubmission Parse(ReadOnlySpan<byte> body, string? contentType, int maxLines)
    {
        var kind = Kind(contentType, body);
        var items = kind switch
        {
            "json" => ReadJson(body, maxLines),
            "csv" => ReadCsv(Decode(body), maxLines),
            _ => ReadText(Decode(body), maxLines),
        };
        var accepted = new List<DomainName>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var errors = new List<SubmissionLineError>();
        var duplicates = 0;
        foreach (var (line, text, error) in items)
        {
            if (error is not null)
            {
                errors.Add(new SubmissionLineError(line, Clip(text), "invalid-item", error));
                continue;
            }
            var result = parser.TryParse(text);
            if (result.Name is { } name)
            {
                if (seen.Add(name.Ascii)) accepted.Add(name);
                else duplicates++;
            }
            else
            {
                errors.Add(new SubmissionLineError(line, Clip(text), result.Error!.CodeName, result.Error.Message));
            }
        }
        return new ParsedSubmission(accepted, errors, items.Count, duplicates);
    }

    private static string Kind(string? contentType, ReadOnlySpan<byte> body)
    {
        var media = (contentType ?? string.Empty).Split(';')[0].Trim().ToLowerInvariant();
        return media switch
        {
            "application/json" or "text/json" => "json",
            "text/csv" or "application/csv" => "csv",
            "text/plain" => "text",
            "" => body.TrimStart(" \t\r\n\uFEFF"u8).StartsWith("["u8) ? "json" : "text",
            _ => throw new SubmissionFormatException(415, "unsupported-media-type",
                $"Content-Type '{media}' is not accepted; send application/json (array of strings), text/plain (one per line) or text/csv (with a 'domain' column)."),
        };
    }

    private static string Decode(ReadOnlySpan<byte> body)
    {
        try
        {
            return new UTF8Encoding(false, true).GetString(body).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException)
        {
            throw new SubmissionFormatException(400, "invalid-encoding", "The body is not valid UTF-8.");
        }
    }

    private static List<(int Line, string Text, string? Error)> ReadText(string text, int maxLines)
    {
        var items = new List<(int, string, string?)>();
        var number = 0;
        foreach (var range in text.AsSpan().SplitAny('\n', '\r'))
        {
            var line = text.AsSpan(range);
            // "\r\n" splits into a line and an empty piece: number lines by '\n' only.
            if (range.Start.Value > 0 && text[range.Start.Value - 1] == '\r' && line.IsEmpty) continue;
            number++;
            var trimmed = line.Trim();
            if (trimmed.IsEmpty || trimmed.StartsWith('#')) continue;
            Limit(items.Count + 1, maxLines);
            items.Add((number, trimmed.ToString(), null));
        }
        return items;
    }

    private static List<(int Line, string Text, string? Error)> ReadJson(ReadOnlySpan<byte> body, int maxLines)
    {
        var items = new List<(int, string, string?)>();
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, MaxDepth = 8 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                throw new SubmissionFormatException(400, "invalid-json", "A JSON body must be an array of domain-name strings.");
            }
            var index = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                index++;
                Limit(index, maxLines);
                var start = (int)reader.TokenStartIndex;
                if (reader.TokenType == JsonTokenType.String)
                {
                    try
                    {
                        items.Add((index, reader.GetString()!, null));
                    }
                    catch (InvalidOperationException)
                    {
                        // A lone surrogate escape ("\ud800") or bytes that are not UTF-8 inside the string.
                        items.Add((index, Raw(body, start, (int)reader.BytesConsumed), $"item {index} is not valid Unicode text"));
                    }
                    continue;
                }
                var kind = reader.TokenType;
                reader.Skip();
                items.Add((index, Raw(body, start, (int)reader.BytesConsumed), $"item {index} is {Describe(kind)}, not a string"));
            }
            if (reader.TokenType != JsonTokenType.EndArray || reader.Read())
            {
                throw new SubmissionFormatException(400, "invalid-json", "The JSON array is not closed or is followed by more content.");
            }
        }
        catch (JsonException ex)
        {
            throw new SubmissionFormatException(400, "invalid-json", $"The body is not valid JSON: {ex.Message}");
        }
        return items;
    }

    // The item as it was written (an object, a number, null…), for the error list; undecodable bytes become U+FFFD.
    private static string Raw(ReadOnlySpan<byte> body, int start, int end) =>
        Clip(System.Text.Encoding.UTF8.GetString(body[start..Math.Min(end, Math.Min(body.Length, start + 1200))]));

    private static string Describe(JsonTokenType kind) => kind switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => "not a string",
    };

    private static List<(int Line, string Text, string? Error)> ReadCsv(string text, int maxLines)
    {
        var records = Csv.ReadRecords(text).GetEnumerator();
        if (!records.MoveNext())
        {
            return [];
        }
        var header = records.Current.Fields;
        var column = header.FindIndex(h => string.Equals(h.Trim().TrimStart('\uFEFF'), "domain", StringComparison.OrdinalIgnoreCase));
        if (column < 0)
        {
            throw new SubmissionFormatException(400, "missing-domain-column",
                $"The CSV header has no 'domain' column (found: {string.Join(", ", header.Take(10))}).");
        }
        var items = new List<(int, string, string?)>();
        while (records.MoveNext())
        {
            var (number, fields, error) = records.Current;
            if (fields.All(string.IsNullOrWhiteSpace)) continue;
            Limit(items.Count + 1, maxLines);
            if (error is not null) items.Add((number, string.Join(',', fields), error));
            else if (column >= fields.Count) items.Add((number, string.Join(',', fields), $"record {number} has no value in the 'domain' column"));
            else items.Add((number, fields[column], null));
        }
        return items;
    }

    private static void Limit(int count, int maxLines)
    {
        if (count > maxLines)
        {
            throw new SubmissionFormatException(413, "too-many-lines", $"A submission holds at most {maxLines} names; split the list.");
        }
    }

    private static string Clip(string s) => s.Length <= 300 ? s : s[..300];
}
