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
        try
        {
            using var doc = JsonDocument.Parse(html.AsMemory(brace, end - brace + 1), new JsonDocumentOptions { MaxDepth = 256, AllowTrailingCommas = true });
            return FromJson(doc.RootElement) with { Source = html, SourceStart = brace, SourceEnd = end + 1 };
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
        {
            // Not JSON, or text that is not valid Unicode (a lone surrogate cannot be transcoded): no config.
            return null;
        }
    }

    /// <summary>Reads a config object (also what <c>/config</c> returns).</summary>
    public static GradioConfig FromJson(JsonElement root)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var text = new StringBuilder();
        if (root.TryGetProperty("components"u8, out var components) && components.ValueKind == JsonValueKind.Array)
        {
            foreach (var component in components.EnumerateArray())
            {
                if (component.ValueKind != JsonValueKind.Object || !component.TryGetProperty("props"u8, out var props) || props.ValueKind != JsonValueKind.Object) continue;
                // One walk over the props (a lookup by name walks them each time: a large app has thousands of components);
                // a repeated name counts by its last occurrence, as a lookup would have it.
                string? id = null, label = null, value = null, placeholder = null, info = null;
                JsonElement? choices = null;
                foreach (var prop in props.EnumerateObject())
                {
                    if (prop.NameEquals("elem_id"u8)) id = Str(prop.Value);
                    else if (prop.NameEquals("label"u8)) label = Str(prop.Value);
                    else if (prop.NameEquals("value"u8)) value = Str(prop.Value);
                    else if (prop.NameEquals("placeholder"u8)) placeholder = Str(prop.Value);
                    else if (prop.NameEquals("info"u8)) info = Str(prop.Value);
                    else if (prop.NameEquals("choices"u8)) choices = prop.Value;
                }
                if (id is not null) ids.Add(id);
                foreach (var s in (ReadOnlySpan<string?>)[label, value, placeholder, info])
                {
                    if (s is not null && s.Length <= 20_000) text.Append(s).Append('\n');
                }
                if (choices is { ValueKind: JsonValueKind.Array } list)
                {
                    foreach (var choice in list.EnumerateArray().Take(200)) AppendStrings(choice, text);
                }
            }
        }
        foreach (var name in new[] { "title", "head" })
        {
            if (Str(root, name) is { } s && s.Length <= 100_000) text.Append(s).Append('\n');
        }
        var auth = root.TryGetProperty("auth_required"u8, out var a) && a.ValueKind == JsonValueKind.True;
        return new GradioConfig(Str(root, "title"), Str(root, "version"), auth, ids, text.ToString());
    }

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
        private readonly string? _text; // null: the source span itself
        private readonly int[] _runDecoded, _runSource, _runStride; // a run: its first decoded index, its source index, source characters per decoded one

        private Decoded(int start, int end, string? text, int[] runDecoded, int[] runSource, int[] runStride) =>
            (_start, _end, _text, _runDecoded, _runSource, _runStride) = (start, end, text, runDecoded, runSource, runStride);

        public ReadOnlySpan<char> Text(string source) => _text ?? source.AsSpan(_start, _end - _start);

        public int Origin(int decoded)
        {
            var run = Array.BinarySearch(_runDecoded, decoded);
            if (run < 0) run = ~run - 1;
            return _runSource[run] + (decoded - _runDecoded[run]) * _runStride[run];
        }

        public static Decoded Of(string source, int start, int end)
        {
            if (source.AsSpan(start, end - start).IndexOf('\\') < 0) return new(start, end, null, [0], [start], [1]);
            var text = new StringBuilder(end - start);
            var runDecoded = new List<int>();
            var runSource = new List<int>();
            var runStride = new List<int>();
            void Step(int from, int stride)
            {
                // A new run unless this character has the last one's stride (decoding is in order, so it then continues it).
                if (runStride.Count == 0 || runStride[^1] != stride)
                {
                    runDecoded.Add(text.Length);
                    runSource.Add(from);
                    runStride.Add(stride);
                }
            }
            for (var i = start; i < end; i++)
            {
                var c = source[i];
                if (c == '\\' && i + 1 < end)
                {
                    var next = source[i + 1];
                    if (next == 'u' && i + 5 < end && int.TryParse(source.AsSpan(i + 2, 4), System.Globalization.NumberStyles.HexNumber, null, out var code))
                    {
                        Step(i, 6);
                        text.Append((char)code);
                        i += 5;
                        continue;
                    }
                    Step(i, 2);
                    text.Append(next switch { 'n' => '\n', 't' => '\t', 'r' => '\r', 'b' => '\b', 'f' => '\f', _ => next });
                    i++;
                    continue;
                }
                Step(i, 1);
                text.Append(c);
            }
            return new(start, end, text.ToString(), runDecoded.ToArray(), runSource.ToArray(), runStride.ToArray());
        }
    }

    private static void AppendStrings(JsonElement e, StringBuilder text)
    {
        if (e.ValueKind == JsonValueKind.String) text.Append(e.GetString()).Append('\n');
        else if (e.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in e.EnumerateArray().Take(4)) AppendStrings(item, text);
        }
    }

    private static string? Str(JsonElement e, string name) => e.TryGetProperty(name, out var v) ? Str(v) : null;

    private static string? Str(JsonElement v) => v.ValueKind == JsonValueKind.String ? v.GetString() : null;

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
