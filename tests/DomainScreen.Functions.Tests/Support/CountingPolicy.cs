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
        var target = message.Request.Uri.Path;
        if (message.Request.Content is { } content && target.Contains("$batch", StringComparison.Ordinal))
        {
            using var buffer = new MemoryStream();
            content.WriteTo(buffer, CancellationToken.None);
            target = System.Text.Encoding.UTF8.GetString(buffer.ToArray());
        }
        if (target.Contains(table, StringComparison.Ordinal)) Interlocked.Increment(ref _count);
    }
}
