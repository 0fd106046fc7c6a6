using DomainScreen.Core.Api;

namespace DomainScreen.Core.Sources;

/// <summary>
/// Run a candidate source now instead of on its timer (admin): <c>POST /api/feeds/run</c> (new feed files),
/// <c>POST /api/lookalikes/run</c> (brand look-alikes that resolve), <c>POST /api/ct/run</c> (new CT log entries).
/// </summary>
internal sealed class SourceRoutes(FeedProcessor feeds, LookalikeScanner lookalikes, CtFollower ct, Storage.StorageClients storage) : IApiRoutes
{
    public IEnumerable<ApiRoute> Routes =>
    [
        new("sources", "POST", "/api/feeds/run", Roles.CanOperate, RunAsync),
        new("sources", "POST", "/api/lookalikes/run", Roles.CanOperate, LookalikesAsync),
        new("sources", "POST", "/api/ct/run", Roles.CanOperate, CtAsync),
        new("sources", "PUT", "/api/feeds/{name}", Roles.CanOperate, UploadAsync),
    ];

    /// <summary>Maximum size of a feed uploaded through the API (larger files go to the container directly).</summary>
    public const long MaxUploadBytes = 512L * 1024 * 1024;

    /// <summary>PUT /api/feeds/{name}: stores the body as a feed file (streamed, at most 512 MiB), processed at the next pass or by POST /api/feeds/run.</summary>
    private async Task<ApiResult> UploadAsync(ApiCall call, CancellationToken cancellationToken)
    {
        var name = call.Route("name");
        if (name.Length is 0 or > 200 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
        {
            return ApiResult.Error(400, "invalid-name", "A feed file name is 1-200 letters, digits and . - _ (its extension says the format: .txt, .csv, .zone, .gz).");
        }
        if (call.Request.ContentLength > MaxUploadBytes) return ApiResult.Error(413, "body-too-large", $"A feed uploaded through the API is at most {MaxUploadBytes} bytes.");
        var container = storage.Blobs.GetBlobContainerClient(FeedProcessor.Container);
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await using var limited = new LimitedStream(call.Request.Body, MaxUploadBytes);
        try
        {
            await container.GetBlobClient(name).UploadAsync(limited, overwrite: true, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex) when (limited.Exceeded)
        {
            return ApiResult.Error(413, "body-too-large", ex.Message);
        }
        return ApiResult.Of(202, new FeedResult(name, "pending", 0, 0, 0, null, 0), CoreJson.Default.FeedResult);
    }

    /// <summary>A read-only view of a stream that fails once more than <c>max</c> bytes were read.</summary>
    private sealed class LimitedStream(Stream inner, long max) : Stream
    {
        private long _read;

        public bool Exceeded => _read > max;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Count(int n)
        {
            _read += n;
            return Exceeded ? throw new IOException($"The feed is larger than {max} bytes.") : n;
        }
    }

    private async Task<ApiResult> CtAsync(ApiCall call, CancellationToken cancellationToken) =>
        ApiResult.Of(200, (await ct.RunAsync(cancellationToken).ConfigureAwait(false)).ToList(), CoreJson.Default.ListCtResult);

    private async Task<ApiResult> LookalikesAsync(ApiCall call, CancellationToken cancellationToken) =>
        ApiResult.Of(200, (await lookalikes.RunAsync(cancellationToken).ConfigureAwait(false)).ToList(), CoreJson.Default.ListLookalikeResult);

    private async Task<ApiResult> RunAsync(ApiCall call, CancellationToken cancellationToken) =>
        ApiResult.Of(200, (await feeds.RunAsync(cancellationToken).ConfigureAwait(false)).ToList(), CoreJson.Default.ListFeedResult);
}
