using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DomainScreen.Core.Registration;

/// <summary>
/// The RDAP bootstrap registry for domains (RFC 9224, IANA's <c>dns.json</c>): TLD → RDAP base URLs. Kept in a
/// store and refetched when older than <see cref="RegistrationOptions.BootstrapMaxAgeHours"/>; a failed refresh
/// keeps using the stale copy.
/// </summary>
public sealed class RdapBootstrap(
    IHttpClientFactory httpFactory,
    IBootstrapStore store,
    TimeProvider time,
    IOptions<RegistrationOptions> options,
    ILogger<RdapBootstrap> logger) : IDisposable
{
    public const string HttpClientName = "rdap";
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private (IReadOnlyDictionary<string, Uri> Map, DateTimeOffset LoadedAt)? _current;

    /// <summary>The RDAP base URL for a TLD, or null when the registry lists none.</summary>
    public async Task<Uri?> BaseUrlForAsync(string tld, CancellationToken cancellationToken)
    {
        var map = await MapAsync(cancellationToken).ConfigureAwait(false);
        return map.GetValueOrDefault(tld.ToLowerInvariant());
    }

    private async Task<IReadOnlyDictionary<string, Uri>> MapAsync(CancellationToken cancellationToken)
    {
        var maxAge = TimeSpan.FromHours(options.Value.BootstrapMaxAgeHours);
        if (_current is { } c && time.GetUtcNow() - c.LoadedAt < maxAge) return c.Map;
        await _refresh.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_current is { } again && time.GetUtcNow() - again.LoadedAt < maxAge) return again.Map;
            var stored = await store.GetAsync(cancellationToken).ConfigureAwait(false);
            if (stored is { } s && time.GetUtcNow() - s.SavedAt < maxAge && TryParse(s.Json, out var fresh))
            {
                _current = (fresh, s.SavedAt);
                return fresh;
            }
            try
            {
                var json = await FetchAsync(cancellationToken).ConfigureAwait(false);
                if (!TryParse(json, out var map)) throw new InvalidDataException("the bootstrap file has no services");
                await store.SaveAsync(json, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                _current = (map, time.GetUtcNow());
                return map;
            }
            catch (Exception ex) when (ex is HttpRequestException or InvalidDataException or JsonException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning("RDAP bootstrap refresh from {Url} failed: {Reason}", options.Value.BootstrapUrl, ex.Message);
                if (stored is { } stale && TryParse(stale.Json, out var old))
                {
                    // Retry the refresh in an hour rather than on every lookup.
                    _current = (old, time.GetUtcNow() - maxAge + TimeSpan.FromHours(1));
                    return old;
                }
                throw;
            }
        }
        finally
        {
            _refresh.Release();
        }
    }

    private async Task<string> FetchAsync(CancellationToken cancellationToken)
    {
        var http = httpFactory.CreateClient(HttpClientName);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.Value.TimeoutSeconds * 3));
        using var response = await http.GetAsync(options.Value.BootstrapUrl, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var body = await BoundedBuffer.ReadAsync(response, 4 * 1024 * 1024, timeout.Token).ConfigureAwait(false);
        if (body.Exceeded) throw new InvalidDataException("the bootstrap file is larger than 4 MiB");
        return System.Text.Encoding.UTF8.GetString(body.Bytes.Span);
    }

    public void Dispose() => _refresh.Dispose();

    /// <summary>Parses <c>{"services":[[["tld",…],["https://base/",…]],…]}</c>, preferring https base URLs.</summary>
    public static bool TryParse(string json, out IReadOnlyDictionary<string, Uri> map)
    {
        var result = new Dictionary<string, Uri>(StringComparer.OrdinalIgnoreCase);
        map = result;
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (!doc.RootElement.TryGetProperty("services", out var services) || services.ValueKind != JsonValueKind.Array) return false;
            foreach (var service in services.EnumerateArray())
            {
                if (service.ValueKind != JsonValueKind.Array || service.GetArrayLength() < 2) continue;
                var urls = service[1].EnumerateArray().Select(u => u.GetString()).OfType<string>()
                    .Select(u => Uri.TryCreate(u.EndsWith('/') ? u : u + "/", UriKind.Absolute, out var uri) ? uri : null).OfType<Uri>()
                    .OrderBy(u => u.Scheme == Uri.UriSchemeHttps ? 0 : 1).ToList();
                if (urls.Count == 0) continue;
                foreach (var tld in service[0].EnumerateArray().Select(t => t.GetString()).OfType<string>()) result[tld.Trim('.')] = urls[0];
            }
            return result.Count > 0;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return false;
        }
    }
}
