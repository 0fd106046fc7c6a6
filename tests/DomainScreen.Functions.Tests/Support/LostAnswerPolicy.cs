using Azure.Core;
using Azure.Core.Pipeline;

namespace DomainScreen.Functions.Tests.Support;

/// <summary>
/// Loses the answer to one chosen write after storage applied it, the way a timed-out request does: the storage client
/// retries the same write, which then meets its own change (412 for an update with an ETag, 409 for an insert).
/// A write is chosen by its text: <c>METHOD url</c>, and for a transaction (<c>$batch</c>) also its body.
/// </summary>
public sealed class LostAnswerPolicy : HttpPipelinePolicy
{
    private Func<string, bool>? _match;
    private int _skip;
    private int _lost;

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
        if (text is null || message.Response.Status is < 200 or >= 300 || Volatile.Read(ref _match) is not { } match || !match(text)) return;
        if (Interlocked.Decrement(ref _skip) >= 0) return;
        if (Interlocked.CompareExchange(ref _match, null, match) != match) return;
        Interlocked.Increment(ref _lost);
        throw new IOException("injected: the answer to a write was lost after storage applied it");
    }
}
