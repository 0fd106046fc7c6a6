using System.Collections.Frozen;
using System.Security.Cryptography;
using DomainScreen.Core.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace DomainScreen.Core.ReviewConsole;

/// <summary>
/// The review console's static files (<c>ReviewConsole/wwwroot</c>, embedded in this assembly), served at <c>/review/</c> by
/// both hosts with a strict Content-Security-Policy: scripts, styles and connections only from this origin, images
/// only from this origin or <c>data:</c> (stored favicons), no frames, no forms posting elsewhere. The files hold no
/// data: everything a reviewer sees comes from the API with the reviewer's credentials. <c>/review/config.json</c>
/// tells the page how to sign in (<c>Auth:Mode</c>).
/// </summary>
public sealed class ConsoleAssets
{
    public const string Prefix = "/review/";

    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; " +
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private static readonly FrozenDictionary<string, string> Types = new Dictionary<string, string>
    {
        [".html"] = "text/html; charset=utf-8", [".js"] = "text/javascript; charset=utf-8", [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml", [".json"] = "application/json; charset=utf-8", [".png"] = "image/png",
    }.ToFrozenDictionary();

    private static readonly Lazy<FrozenDictionary<string, Asset>> Files = new(Load);

    private readonly IOptionsMonitor<AuthOptions> _auth;

    public ConsoleAssets(IOptionsMonitor<AuthOptions> auth) => _auth = auth;

    /// <summary>One file: bytes, media type and a strong ETag (hash of the bytes).</summary>
    public sealed record Asset(byte[] Bytes, string MediaType, string ETag);

    /// <summary>The embedded file names (relative to <c>/review/</c>).</summary>
    public static IReadOnlyCollection<string> Names => Files.Value.Keys;

    /// <summary>The file for a path under <c>/review/</c> (<c>""</c> is <c>index.html</c>), or null.</summary>
    public Asset? Find(string relativePath)
    {
        if (relativePath.Length == 0) relativePath = "index.html";
        if (relativePath == "config.json")
        {
            var json = System.Text.Encoding.UTF8.GetBytes($"{{\"authMode\":\"{_auth.CurrentValue.Mode}\",\"loginUrl\":\"/.auth/login/aad?post_login_redirect_uri=/review/\"}}");
            return new Asset(json, Types[".json"], Tag(json));
        }
        return Files.Value.GetValueOrDefault(relativePath);
    }

    /// <summary>Answers one request for <c>/review</c> or a path under it.</summary>
    public async Task WriteAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        var path = request.PathBase.Add(request.Path).Value ?? "/";
        SecurityHeaders(response.Headers);
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            response.StatusCode = 405;
            response.Headers.Allow = "GET, HEAD";
            return;
        }
        if (path == "/review")
        {
            response.StatusCode = 308;
            response.Headers.Location = Prefix;
            return;
        }
        var asset = path.StartsWith(Prefix, StringComparison.Ordinal) ? Find(path[Prefix.Length..]) : null;
        if (asset is null)
        {
            response.StatusCode = 404;
            response.ContentType = "text/plain; charset=utf-8";
            await response.WriteAsync("Not found.", context.RequestAborted).ConfigureAwait(false);
            return;
        }
        response.Headers.ETag = asset.ETag;
        // Revalidated every time (cheap: 304 by ETag), so a new deployment is picked up at once.
        response.Headers.CacheControl = "no-cache";
        if (request.Headers.IfNoneMatch.ToString() == asset.ETag)
        {
            response.StatusCode = 304;
            return;
        }
        response.StatusCode = 200;
        response.ContentType = asset.MediaType;
        response.ContentLength = asset.Bytes.Length;
        if (HttpMethods.IsHead(request.Method)) return;
        await response.Body.WriteAsync(asset.Bytes, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Headers on every console answer: the CSP and friends.</summary>
    public static void SecurityHeaders(IHeaderDictionary headers)
    {
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Cross-Origin-Resource-Policy"] = "same-origin";
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
    }

    private static FrozenDictionary<string, Asset> Load()
    {
        const string resourcePrefix = "console/";
        var assembly = typeof(ConsoleAssets).Assembly;
        var files = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(resourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var bytes = copy.ToArray();
            var relative = name[resourcePrefix.Length..];
            var type = Types.GetValueOrDefault(Path.GetExtension(relative), "application/octet-stream");
            files[relative] = new Asset(bytes, type, Tag(bytes));
        }
        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string Tag(byte[] bytes) => "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes))[..32] + "\"";
}
