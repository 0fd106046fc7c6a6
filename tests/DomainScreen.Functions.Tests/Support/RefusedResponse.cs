using System.Diagnostics.CodeAnalysis;
using Azure;
using Azure.Core;

namespace DomainScreen.Functions.Tests.Support;

/// <summary>A 400 answer with a table-service error body, as the service gives to a request it will not take.</summary>
public sealed class RefusedResponse : Response
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
