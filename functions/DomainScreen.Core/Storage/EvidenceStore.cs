using System.Security.Cryptography;
using Azure;
using Microsoft.Extensions.Caching.Memory;
using Azure.Storage.Blobs.Models;
using DomainScreen.Core.Fetching;

namespace DomainScreen.Core.Storage;

/// <summary>
/// Page bodies and favicons in the <c>evidence</c> container, content-addressed (<c>sha256/&lt;hex&gt;</c>): the
/// same page served by 500 domains is stored once, and a stored blob never changes.
/// </summary>
public sealed class EvidenceStore(StorageClients storage) : IDisposable
{
    // Hashes this process stored recently: a page seen again (parking pages, shared templates) costs no request.
    private const int StoredEntries = 20_000;
    private readonly Microsoft.Extensions.Caching.Memory.MemoryCache _stored = new(new Microsoft.Extensions.Caching.Memory.MemoryCacheOptions { SizeLimit = StoredEntries });

    // Uploads under way: 250 screens that meet the same parking page at once make one upload, not 250 (249 of which
    // would each end in a 409 and an exception).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Task>> _inFlight = new(StringComparer.Ordinal);

    public static string BlobName(string sha256) => "sha256/" + sha256;

    public async Task SaveAsync(FetchEvidence fetch, CancellationToken cancellationToken)
    {
        if (fetch.BodySha256 is { } body && !fetch.RawBody.IsEmpty)
        {
            await PutAsync(body, fetch.RawBody, fetch.ContentType ?? "application/octet-stream", cancellationToken).ConfigureAwait(false);
        }
        foreach (var probe in fetch.Probes)
        {
            if (probe.Sha256 is { } sha && !probe.RawBody.IsEmpty)
            {
                await PutAsync(sha, probe.RawBody, probe.ContentType ?? "application/octet-stream", cancellationToken).ConfigureAwait(false);
            }
        }
        if (fetch.Favicon?.Sha256 is { } icon && !fetch.RawFavicon.IsEmpty)
        {
            await PutAsync(icon, fetch.RawFavicon, fetch.Favicon.ContentType ?? "application/octet-stream", cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<BinaryData?> GetAsync(string sha256, CancellationToken cancellationToken)
    {
        try
        {
            var result = await storage.Evidence.GetBlobClient(BlobName(sha256)).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return result.Value.Content;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    public void Dispose() => _stored.Dispose();

    private async Task PutAsync(string sha256, ReadOnlyMemory<byte> bytes, string contentType, CancellationToken cancellationToken)
    {
        if (_stored.TryGetValue(sha256, out _)) return;
        var upload = _inFlight.GetOrAdd(sha256, h => new Lazy<Task>(() => UploadAsync(h, bytes, contentType, cancellationToken)));
        try
        {
            await upload.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (upload.Value.IsCompleted) _inFlight.TryRemove(new KeyValuePair<string, Lazy<Task>>(sha256, upload));
        }
    }

    private async Task UploadAsync(string sha256, ReadOnlyMemory<byte> bytes, string contentType, CancellationToken cancellationToken)
    {
        if (!Convert.ToHexStringLower(SHA256.HashData(bytes.Span)).Equals(sha256, StringComparison.Ordinal))
        {
            throw new InvalidOperationException("evidence bytes do not match their hash");
        }
        try
        {
            await storage.Evidence.GetBlobClient(BlobName(sha256)).UploadAsync(BinaryData.FromBytes(bytes), new BlobUploadOptions
            {
                HttpHeaders = new BlobHttpHeaders { ContentType = contentType.Length <= 200 ? contentType : "application/octet-stream" },
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 409 || ex.ErrorCode == BlobErrorCode.BlobAlreadyExists)
        {
            // Content-addressed: already stored by an earlier screen.
        }
        _stored.SetMakingRoom(StoredEntries, sha256, true, new Microsoft.Extensions.Caching.Memory.MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = TimeSpan.FromHours(12) });
    }
}
