using System.Diagnostics.CodeAnalysis;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace DomainScreen.Functions.Tests.Support;

/// <summary>
/// Answers 400 to table transactions (<c>$batch</c>) whose body names the marker — every one, or only the nth after
/// <see cref="Arm"/> — as the table service does to a transaction holding an entity it will not take.
/// </summary>
public sealed class RefusingPolicy(string? marker = null) : HttpPipelinePolicy
{
    private string? _marker = marker;
    private int _nth;
    private int _seen;
    private int _refused;

    /// <summary>Transactions refused so far.</summary>
    public int Refused => Volatile.Read(ref _refused);

    /// <summary>From now on refuse only the <paramref name="nth"/> (1-based) transaction naming the marker; 0 refuses every one.</summary>
    public void Arm(string marker, int nth = 0) => (_marker, _nth, _seen) = (marker, nth, 0);

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        if (_marker is { } marker && message.Request.Uri.Path.Contains("$batch", StringComparison.Ordinal)
            && CountingPolicy.Target(message).Contains(marker, StringComparison.Ordinal)
            && (Interlocked.Increment(ref _seen) == _nth || _nth == 0))
        {
            Interlocked.Increment(ref _refused);
            message.Response = new RefusedResponse();
            return;
        }
        await ProcessNextAsync(message, pipeline);
    }

    /// <summary>A 400 answer with a table-service error body, as the service gives to a request it will not take.</summary>
    private sealed class RefusedResponse : Response
    {
        public override int Status => 400;
        public override string ReasonPhrase => "Bad Request";
        public override Stream? ContentStream { get; set; } = new MemoryStream("""{"odata.error":{"code":"InvalidInput","message":{"lang":"en-US","value":"refused by the test"}}}"""u8.ToArray());
        public override string ClientRequestId { get; set; } = "";
        public override void Dispose() => ContentStream?.Dispose();
        protected override bool ContainsHeader(string name) => false;
        protected override IEnumerable<HttpHeader> EnumerateHeaders() => [];
        protected override bool TryGetHeader(string name, [NotNullWhen(true)] out string? value) { value = null; return false; }
        protected override bool TryGetHeaderValues(string name, [NotNullWhen(true)] out IEnumerable<string>? values) { values = null; return false; }
    }
}
