using System.Runtime.CompilerServices;
using Azure.Core;
using Azure.Core.Pipeline;

namespace DomainScreen.Functions.Tests.Support;

/// <summary>
/// Loses the answer to a write after storage applied it, the way a timed-out request does: the storage client retries
/// the same write, which then meets its own change (412 for an update with an ETag, 409 for an insert). Either one
/// chosen write (<see cref="Arm"/>: chosen by its text, <c>METHOD url</c>, and for a transaction (<c>$batch</c>) also
/// its body), or a share of all writes at random (the seeded constructor) — never the same request twice.
/// </summary>
public sealed class LostAnswerPolicy : HttpPipelinePolicy
{
    private readonly Random? _random;
    private readonly double _rate;
    private readonly ConditionalWeakTable<HttpMessage, object> _lostOnce = [];
    private Func<string, bool>? _match;
    private int _skip;
    private int _lost;

    /// <summary>Loses nothing until <see cref="Arm"/> chooses a write.</summary>
    public LostAnswerPolicy()
    {
    }

    /// <summary>Loses the answer to a share <paramref name="rate"/> of all writes (seeded), each request at most once.</summary>
    public LostAnswerPolicy(double rate, int seed)
    {
        _rate = rate;
        _random = new Random(seed);
    }

    /// <summary>How many answers were lost so far.</summary>
    public int Lost => Volatile.Read(ref _lost);

    /// <summary>Loses the answer to the write after the first <paramref name="skip"/> writes that <paramref name="match"/> accepts.</summary>
    public void Arm(Func<string, bool> match, int skip = 0)
    {
        _skip = skip;
        Volatile.Write(ref _match, match);
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var text = Describe(message);
        ProcessNext(message, pipeline);
        LoseIfDue(message, text);
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var text = Describe(message);
        await ProcessNextAsync(message, pipeline);
        LoseIfDue(message, text);
    }

    private string? Describe(HttpMessage message)
    {
        if (Volatile.Read(ref _match) is null || message.Request.Method == RequestMethod.Get) return null;
        var text = message.Request.Method + " " + Uri.UnescapeDataString(message.Request.Uri.ToString());
        if (message.Request.Content is { } content && text.Contains("$batch", StringComparison.Ordinal))
        {
            using var buffer = new MemoryStream();
            content.WriteTo(buffer, CancellationToken.None);
            text += "\n" + System.Text.Encoding.UTF8.GetString(buffer.ToArray());
        }
        return text;
    }

    private void LoseIfDue(HttpMessage message, string? text)
    {
        if (message.Request.Method == RequestMethod.Get || message.Response.Status is < 200 or >= 300 || _lostOnce.TryGetValue(message, out _)) return;
        if (!(_random is not null ? AtRandom() : Chosen(text))) return;
        _lostOnce.Add(message, message);
        Interlocked.Increment(ref _lost);
        throw new IOException("injected: the answer to a write was lost after storage applied it");
    }

    private bool AtRandom()
    {
        lock (_random!) return _random.NextDouble() < _rate;
    }

    private bool Chosen(string? text)
    {
        if (text is null || Volatile.Read(ref _match) is not { } match || !match(text)) return false;
        if (Interlocked.Decrement(ref _skip) >= 0) return false;
        return Interlocked.CompareExchange(ref _match, null, match) == match;
    }
}
