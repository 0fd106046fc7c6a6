using System.Buffers;
using System.Text;
using System.Text.Json;

namespace DomainScreen.Core.Fingerprints;

/// <summary>
/// The UI definition a Gradio app embeds in its first response (<c>window.gradio_config = {…};</c>, Gradio 3.x to
/// 6.x): title, version, and every component's label, elem_id and text. Most face-swap, voice-clone and Stable
/// Diffusion UIs are Gradio apps, so this one parse identifies them by their own UI rather than by one page's HTML.
/// </summary>
public sealed record GradioConfig(string? Title, string? Version, bool AuthRequired, IReadOnlySet<string> ElemIds, string Text)
{
    private const string Marker = "window.gradio_config";
    private const int MaxConfigChars = 4 * 1024 * 1024;

    /// <summary>Finds and parses the embedded config; null when absent or not valid JSON.</summary>
    public static GradioConfig? Parse(string html)
    {
        var at = html.IndexOf(Marker, StringComparison.Ordinal);
        if (at < 0) return null;
        var brace = html.IndexOf('{', at + Marker.Length);
        if (brace < 0 || brace - at > 64) return null;
        var end = ObjectEnd(html, brace);
        if (end < 0) return null;
        var chars = html.AsSpan(brace, end - brace + 1);
        var utf8 = ArrayPool<byte>.Shared.Rent(Strict.GetMaxByteCount(chars.Length));
        try
        {
            var json = utf8.AsSpan(0, Strict.GetBytes(chars, utf8));
            var parts = new List<Part>(64);
            var config = Read(json, parts) with { Source = html, SourceStart = brace, SourceEnd = end + 1 };
            return InPage(config, json, json.Length == chars.Length, parts);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
        {
            // Not JSON, or text that is not valid Unicode (a lone surrogate cannot be transcoded): no config.
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(utf8);
        }
    }

    /// <summary>UTF-8 that refuses a lone surrogate instead of replacing it.</summary>
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads a config object (also what <c>/config</c> returns).</summary>
    public static GradioConfig FromJson(JsonElement root) => Read(System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(root), null);

    /// <summary>
    /// Where the strings of <see cref="Text"/> written without escapes start in the page, in page order (each stands
    /// there verbatim, so the page's own literal scan finds its text in place); null for a config not read from a page.
    /// The others are in <see cref="EscapedText"/>.
    /// </summary>
    internal int[]? PlaceStarts { get; init; }

    /// <summary>Where each of <see cref="PlaceStarts"/> ends.</summary>
    internal int[]? PlaceEnds { get; init; }

    /// <summary>Whether [at, at + length) lies inside one of the strings at <see cref="PlaceStarts"/>.</summary>
    internal bool InPlace(int at, int length)
    {
        var k = Array.BinarySearch(PlaceStarts!, at);
        if (k < 0) k = ~k - 1;
        return k >= 0 && at + length <= PlaceEnds![k];
    }

    /// <summary>
    /// The strings of <see cref="Text"/> the page writes with escapes (Python's json.dumps writes Chinese as \uXXXX),
    /// decoded, each on its own line and spaced apart: the only part of a page's config a scan of the page cannot read.
    /// </summary>
    internal string EscapedText { get; init; } = "";

    // For each string in EscapedText, in order: where it starts there, and where its JSON text starts and ends in the page.
    private int[] _escapedStart = [], _escapedSourceStart = [], _escapedSourceEnd = [];

    /// <summary>Where the character at <paramref name="offset"/> of <see cref="EscapedText"/> was written in the page.</summary>
    internal int EscapedFileOffset(int offset)
    {
        var k = Array.BinarySearch(_escapedStart, offset);
        if (k < 0) k = ~k - 1;
        // Decoded character by character from the string's start: an escape is \uXXXX or a backslash and one character.
        var source = Source!;
        var at = _escapedSourceStart[k];
        for (var decoded = _escapedStart[k]; decoded < offset && at < _escapedSourceEnd[k]; decoded++)
        {
            at += source[at] != '\\' ? 1 : source[at + 1] == 'u' ? 6 : 2;
        }
        return at;
    }

    /// <summary>What follows each string in <see cref="EscapedText"/>: a line break, then more than a negation looks back over.</summary>
    private const string Separator = "\n              ";

    /// <summary>A string of the text as the reader met it: byte offset of its first character, raw length in bytes, escaped or not.</summary>
    private readonly record struct Part(int At, int RawBytes, bool Escaped, string Value);

    // The parts' byte offsets in the UTF-8 config (the reader's) as character offsets in the page.
    private static GradioConfig InPage(GradioConfig config, ReadOnlySpan<byte> json, bool ascii, List<Part> parts)
    {
        var n = parts.Count;
        var starts = new int[n];
        var ends = new int[n];
        if (ascii)
        {
            for (var k = 0; k < n; k++) (starts[k], ends[k]) = (parts[k].At, parts[k].At + parts[k].RawBytes);
        }
        else
        {
            // A character outside ASCII takes more than one byte: the characters are counted once over the config, the
            // parts taken in the order they stand in it (the text has a component's label first wherever it is written).
            var order = new int[n];
            var at = new int[n];
            for (var k = 0; k < n; k++) (order[k], at[k]) = (k, parts[k].At);
            Array.Sort(at, order);
            var (bytes, chars) = (0, 0);
            foreach (var k in order)
            {
                var end = parts[k].At + parts[k].RawBytes;
                chars += Encoding.UTF8.GetCharCount(json[bytes..parts[k].At]);
                starts[k] = chars;
                chars += Encoding.UTF8.GetCharCount(json[parts[k].At..end]);
                ends[k] = chars;
                bytes = end;
            }
        }
        var (escapedCount, escapedLength) = (0, 0);
        foreach (var part in parts)
        {
            if (!part.Escaped) continue;
            escapedCount++;
            escapedLength += part.Value.Length + Separator.Length;
        }
        var (placeStarts, placeEnds) = (new int[n - escapedCount], new int[n - escapedCount]);
        var (escapedStart, escapedSourceStart, escapedSourceEnd) = (new int[escapedCount], new int[escapedCount], new int[escapedCount]);
        // Each escaped string on its own line, in the text's order, far enough from the next that nothing read around a
        // find in one (a negation before it, a word boundary) reaches into another: they are different parts of the UI.
        var escaped = escapedLength == 0 ? "" : string.Create(escapedLength, parts, static (into, parts) =>
        {
            foreach (var part in parts)
            {
                if (!part.Escaped) continue;
                part.Value.CopyTo(into);
                Separator.CopyTo(into[part.Value.Length..]);
                into = into[(part.Value.Length + Separator.Length)..];
            }
        });
        int p = 0, e = 0, length = 0;
        for (var k = 0; k < n; k++)
        {
            var (start, end) = (config.SourceStart + starts[k], config.SourceStart + ends[k]);
            if (!parts[k].Escaped)
            {
                (placeStarts[p], placeEnds[p++]) = (start, end);
                continue;
            }
            (escapedStart[e], escapedSourceStart[e], escapedSourceEnd[e++]) = (length, start, end);
            length += parts[k].Value.Length + Separator.Length;
        }
        Array.Sort(placeStarts, placeEnds);
        return config with
        {
            PlaceStarts = placeStarts,
            PlaceEnds = placeEnds,
            EscapedText = escaped,
            _escapedStart = escapedStart,
            _escapedSourceStart = escapedSourceStart,
            _escapedSourceEnd = escapedSourceEnd,
        };
    }

    /// <summary>
    /// Reads a config from its JSON text in one pass, keeping only what it needs: the title, version, head and sign-in
    /// flag, and each component's element id and text (label, value, placeholder, info, the first choices) — a large
    /// app's config is megabytes of component properties, and a document of all of them cost more than reading them.
    /// A name given twice counts by its last occurrence; a component or props that is not an object is passed over.
    /// </summary>
    private static GradioConfig Read(ReadOnlySpan<byte> json, List<Part>? parts)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256, AllowTrailingCommas = true });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) throw new InvalidOperationException("a Gradio config is a JSON object");
        Str title = default, head = default;
        string? version = null;
        var auth = false;
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var text = new TextBuilder(parts);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("components"u8))
            {
                reader.Read();
                ids.Clear();
                text.Clear();
                if (reader.TokenType == JsonTokenType.StartArray) Components(ref reader, ids, text);
                else reader.Skip();
            }
            else if (reader.ValueTextEquals("title"u8)) title = NextString(ref reader);
            else if (reader.ValueTextEquals("version"u8)) version = NextString(ref reader).Value;
            else if (reader.ValueTextEquals("head"u8)) head = NextString(ref reader);
            else if (reader.ValueTextEquals("auth_required"u8))
            {
                reader.Read();
                auth = reader.TokenType == JsonTokenType.True;
                reader.Skip();
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        if (reader.Read()) throw new JsonException("text after the config object");
        foreach (var s in (ReadOnlySpan<Str>)[title, head])
        {
            if (s.Value is { Length: <= 100_000 }) text.Add(s);
        }
        return new GradioConfig(title.Value, version, auth, ids, text.ToString());
    }

    /// <summary>A string value, the byte offset of its first character in the config, its raw length and whether it has escapes.</summary>
    private readonly record struct Str(string? Value, int At, int RawBytes, bool Escaped);

    /// <summary>The text, each string on its own line, and (when asked) each string as it stands in the config.</summary>
    private sealed class TextBuilder(List<Part>? parts)
    {
        private readonly StringBuilder _text = new();

        public void Add(Str s)
        {
            _text.Append(s.Value).Append('\n');
            parts?.Add(new Part(s.At, s.RawBytes, s.Escaped, s.Value!));
        }

        public void Clear()
        {
            _text.Clear();
            parts?.Clear();
        }

        public override string ToString() => _text.ToString();
    }

    // The components array, the reader on its start; each component's props are read into the text in a fixed order.
    private static void Components(ref Utf8JsonReader reader, HashSet<string> ids, TextBuilder text)
    {
        var choices = new List<Str>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }
            Str id = default, label = default, value = default, placeholder = default, info = default;
            var hasProps = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isProps = reader.ValueTextEquals("props"u8);
                reader.Read();
                if (!isProps)
                {
                    reader.Skip();
                    continue;
                }
                (id, label, value, placeholder, info) = (default, default, default, default, default);
                choices.Clear();
                hasProps = reader.TokenType == JsonTokenType.StartObject;
                if (!hasProps)
                {
                    reader.Skip();
                    continue;
                }
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("elem_id"u8)) id = NextString(ref reader);
                    else if (reader.ValueTextEquals("label"u8)) label = NextString(ref reader);
                    else if (reader.ValueTextEquals("value"u8)) value = NextString(ref reader);
                    else if (reader.ValueTextEquals("placeholder"u8)) placeholder = NextString(ref reader);
                    else if (reader.ValueTextEquals("info"u8)) info = NextString(ref reader);
                    else if (reader.ValueTextEquals("choices"u8))
                    {
                        reader.Read();
                        choices.Clear();
                        if (reader.TokenType == JsonTokenType.StartArray) Choices(ref reader, choices);
                        else reader.Skip();
                    }
                    else
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }
            }
            if (!hasProps) continue;
            if (id.Value is not null) ids.Add(id.Value);
            foreach (var s in (ReadOnlySpan<Str>)[label, value, placeholder, info])
            {
                if (s.Value is { Length: <= 20_000 }) text.Add(s);
            }
            foreach (var choice in choices) text.Add(choice);
        }
    }

    // A dropdown's choices, the reader on the array's start: the strings of its first 200 items, an item that is a list
    // (Gradio's [label, value] pairs) by the strings of its first four entries, and so on down.
    private static void Choices(ref Utf8JsonReader reader, List<Str> into, int take = 200)
    {
        var n = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (n++ >= take) reader.Skip();
            else if (reader.TokenType == JsonTokenType.String) into.Add(StringHere(ref reader));
            else if (reader.TokenType == JsonTokenType.StartArray) Choices(ref reader, into, 4);
            else reader.Skip();
        }
    }

    /// <summary>The next value if it is a string, else none (the value is passed over).</summary>
    private static Str NextString(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.String) return StringHere(ref reader);
        reader.Skip();
        return default;
    }

    // The reader's string token; its start is the opening quote's.
    private static Str StringHere(ref Utf8JsonReader reader) =>
        new(reader.GetString(), (int)reader.TokenStartIndex + 1, reader.ValueSpan.Length, reader.ValueIsEscaped);

    /// <summary>The page the config was read from (null for a <c>/config</c> probe answer) and the config's span in it.</summary>
    internal string? Source { get; init; }

    internal int SourceStart { get; init; }

    internal int SourceEnd { get; init; }

    /// <summary>
    /// Where text found at <paramref name="textOffset"/> of <see cref="Text"/> stands in the page file: the same
    /// occurrence of it inside the embedded config, however the JSON writes it (raw, or with <c>\\uXXXX</c> escapes
    /// as Python's json.dumps does, or a mix); null when the config did not come from a page or the text is not there.
    /// </summary>
    public int? FileOffset(string matched, int textOffset)
    {
        if (Source is null || matched.Length == 0 || textOffset > Text.Length) return null;
        var nth = 0;
        var needle = IgnoreCase.Needle.Of(matched);
        for (var i = IgnoreCase.IndexOf(Text, needle, 0); i >= 0 && i < textOffset; i = IgnoreCase.IndexOf(Text, needle, i + 1)) nth++;
        var decoded = _decoded ??= Decoded.Of(Source, SourceStart, SourceEnd);
        var text = decoded.Text(Source);
        var at = -1;
        for (var k = 0; k <= nth; k++)
        {
            var next = IgnoreCase.IndexOf(text[(at + 1)..], needle);
            if (next < 0) return null;
            at += next + 1;
        }
        return decoded.Origin(at);
    }

    private Decoded? _decoded;

    /// <summary>
    /// The config span with JSON string escapes decoded, and where each decoded character came from, kept small: a
    /// config without a backslash (most English UIs) is its own decoded text, and the origins are runs — raw text, or
    /// escapes of one length one after another (a Chinese UI from Python's json.dumps is mostly runs of \uXXXX) — not a
    /// number per character (a 4 MB config took 16 MB of origins and 8 MB of text per page before).
    /// </summary>
    private sealed class Decoded
    {
        private readonly int _start, _end;
        private readonly char[]? _text; // null: the source span itself
        private readonly int _length;
        private readonly int[] _runDecoded, _runSource, _runStride; // a run: its first decoded index, its source index, source characters per decoded one

        private Decoded(int start, int end, char[]? text, int length, int[] runDecoded, int[] runSource, int[] runStride) =>
            (_start, _end, _text, _length, _runDecoded, _runSource, _runStride) = (start, end, text, length, runDecoded, runSource, runStride);

        public ReadOnlySpan<char> Text(string source) => _text is null ? source.AsSpan(_start, _end - _start) : _text.AsSpan(0, _length);

        public int Origin(int decoded)
        {
            var run = Array.BinarySearch(_runDecoded, decoded);
            if (run < 0) run = ~run - 1;
            return _runSource[run] + (decoded - _runDecoded[run]) * _runStride[run];
        }

        public static Decoded Of(string source, int start, int end)
        {
            var span = source.AsSpan(start, end - start);
            if (span.IndexOf('\\') < 0) return new(start, end, null, 0, [0], [start], [1]);
            // Decoded text is never longer than its source: one array of that length, raw stretches copied whole.
            var text = new char[span.Length];
            var length = 0;
            var runDecoded = new List<int>();
            var runSource = new List<int>();
            var runStride = new List<int>();
            void Run(int from, int stride)
            {
                // A new run unless this character has the last one's stride (decoding is in order, so it then continues it).
                if (runStride.Count == 0 || runStride[^1] != stride)
                {
                    runDecoded.Add(length);
                    runSource.Add(start + from);
                    runStride.Add(stride);
                }
            }
            for (var i = 0; i < span.Length;)
            {
                var escape = span[i..].IndexOf('\\');
                var rawEnd = escape < 0 ? span.Length : i + escape;
                if (rawEnd > i || i + 1 == span.Length)
                {
                    rawEnd = Math.Max(rawEnd, i + 1); // a backslash that ends the span is itself
                    Run(i, 1);
                    span[i..rawEnd].CopyTo(text.AsSpan(length));
                    length += rawEnd - i;
                    i = rawEnd;
                    continue;
                }
                var next = span[i + 1];
                if (next == 'u' && i + 5 < span.Length && int.TryParse(span.Slice(i + 2, 4), System.Globalization.NumberStyles.HexNumber, null, out var code))
                {
                    Run(i, 6);
                    text[length++] = (char)code;
                    i += 6;
                    continue;
                }
                Run(i, 2);
                text[length++] = next switch { 'n' => '\n', 't' => '\t', 'r' => '\r', 'b' => '\b', 'f' => '\f', _ => next };
                i += 2;
            }
            return new(start, end, text, length, runDecoded.ToArray(), runSource.ToArray(), runStride.ToArray());
        }
    }

    // The end of the JSON object starting at 'start', honouring strings and escapes; -1 when unterminated or too long.
    // Character by character: in a config, quotes and braces are a few characters apart, and a vectorised search for
    // them stopped so often that it cost more than this loop.
    private static int ObjectEnd(string s, int start)
    {
        var depth = 0;
        var inString = false;
        var limit = Math.Min(s.Length, start + MaxConfigChars);
        for (var i = start; i < limit; i++)
        {
            var c = s[i];
            if (inString)
            {
                if (c == '\\') i++;
                else if (c == '"') inString = false;
                continue;
            }
            if (c == '"') inString = true;
            else if (c == '{') depth++;
            else if (c == '}' && --depth == 0) return i;
        }
        return -1;
    }
}
