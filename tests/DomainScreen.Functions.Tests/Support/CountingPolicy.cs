using Azure.Core;
using Azure.Core.Pipeline;

namespace DomainScreen.Functions.Tests.Support;

/// <summary>
/// Counts storage requests of one method (or any method but GET: <c>writes</c>) that reach a table, looking inside
/// transactions ($batch bodies) for the table's name.
/// </summary>
public sealed class CountingPolicy(string table, bool writes) : HttpPipelineSynchronousPolicy
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public override void OnSendingRequest(HttpMessage message)
    {
        if ((message.Request.Method == RequestMethod.Get) == writes) return;
        if (Target(message).Contains(table, StringComparison.Ordinal)) Interlocked.Increment(ref _count);
    }

    /// <summary>What a request is about: its path, or for a transaction ($batch) its body, which names the table.</summary>
    internal static string Target(HttpMessage message)
    {
        var path = message.Request.Uri.Path;
        if (message.Request.Content is not { } content || !path.Contains("$batch", StringComparison.Ordinal)) return path;
        using var buffer = new MemoryStream();
        content.WriteTo(buffer, CancellationToken.None);
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
