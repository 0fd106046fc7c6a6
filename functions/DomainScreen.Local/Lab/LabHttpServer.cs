using System.IO.Compression;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DomainScreen.Local.Lab;

/// <summary>
/// The lab's web server on loopback: one page per lab domain, chosen by the Host header, over HTTP and (for
/// sites marked <c>https</c>) over HTTPS with a self-signed certificate; hostile behaviours on demand; and the
/// lab registry's RDAP answers.
/// </summary>
public sealed class LabHttpServer : IAsyncDisposable
{
    private const int HugeBytes = 20 * 1024 * 1024;
    private static readonly Lazy<byte[]> GzipBomb = new(() => MakeGzipBomb(256 * 1024 * 1024));

    private readonly WebApplication _app;
    private readonly Dictionary<string, LabSite> _sites;
    private readonly List<LabSite> _wildcards;
    private readonly LabRegistry _registry;

    private LabHttpServer(WebApplication app, IEnumerable<LabSite> sites, LabRegistry registry, int httpPort, int httpsPort)
    {
        _app = app;
        _sites = sites.ToDictionary(s => s.Domain.ToLowerInvariant(), StringComparer.Ordinal);
        _wildcards = _sites.Values.Where(s => s.Dns == "wildcard").ToList();
        _registry = registry;
        HttpPort = httpPort;
        HttpsPort = httpsPort;
    }

    public int HttpPort { get; }
    public int HttpsPort { get; }

    /// <summary>Requests served, for tests that prove a request never arrived.</summary>
    public int RequestCount => _requests;
    private int _requests;

    public static async Task<LabHttpServer> StartAsync(IReadOnlyList<LabSite> sites, LabRegistry registry, X509Certificate2 certificate,
        CancellationToken cancellationToken = default)
    {
        var httpPort = FreePorts.Tcp();
        var httpsPort = FreePorts.Tcp();
        var tlsHosts = sites.Where(s => s.Https).Select(s => s.Domain.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        // The lab is a part of a command: the command decides when to stop, so Kestrel here does not take
        // Ctrl+C and SIGTERM for itself (the default console lifetime would, and the command would never hear them).
        builder.Services.AddSingleton<Microsoft.Extensions.Hosting.IHostLifetime, CommandOwnedLifetime>();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Loopback, httpPort);
            // Only sites marked https have a certificate; for the others the handshake fails, as it does for a
            // host that serves no TLS, and the fetcher falls back to http.
            k.Listen(IPAddress.Loopback, httpsPort, l => l.UseHttps(new HttpsConnectionAdapterOptions
            {
                ServerCertificateSelector = (_, name) => name is not null && tlsHosts.Contains(name.ToLowerInvariant()) ? certificate : null,
            }));
        });
        var app = builder.Build();
        var server = new LabHttpServer(app, sites, registry, httpPort, httpsPort);
        app.Run(server.HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        return server;
    }

    private static string Ascii(string host)
    {
        try
        {
            return host.Length == 0 ? host : new System.Globalization.IdnMapping().GetAscii(host);
        }
        catch (ArgumentException)
        {
            return host; // not a name the lab serves
        }
    }

    /// <summary>The lab's CT log, served under /ct-log/ whatever the Host header.</summary>
    public LabCtLog CtLog { get; } = new(TimeProvider.System);

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        if (await CtLog.TryHandleAsync(context, context.RequestAborted).ConfigureAwait(false)) return;
        // The Host header as sent (ASCII): HostString.Host gives an IDN's Unicode form, and the manifest keys are ASCII.
        var host = Ascii(context.Request.Host.Host.TrimEnd('.')).ToLowerInvariant();
        var path = context.Request.Path.Value ?? "/";
        var ct = context.RequestAborted;
        if (host == LabRegistry.RdapHost)
        {
            var (status, json) = path == "/dns.json" ? (200, LabRegistry.BootstrapJson) : _registry.Rdap(path);
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/rdap+json";
            await context.Response.WriteAsync(json, ct).ConfigureAwait(false);
            return;
        }
        var site = _sites.GetValueOrDefault(host) ?? _wildcards.FirstOrDefault(w => host.EndsWith("." + w.Domain, StringComparison.Ordinal));
        if (site is null)
        {
            await Text(context, 404, "no such lab site").ConfigureAwait(false);
            return;
        }
        if (site.Behaviour is { } behaviour && await BehaveAsync(context, site, behaviour, path).ConfigureAwait(false)) return;

        var target = path == "/" ? site.Page : site.Paths?.GetValueOrDefault(path);
        if (target is null)
        {
            context.Response.ContentType = "text/html; charset=utf-8";
            await Text(context, 404, "<html><head><title>404 Not Found</title></head><body>Not Found</body></html>").ConfigureAwait(false);
            return;
        }
        foreach (var (name, value) in site.Headers ?? new Dictionary<string, string>()) context.Response.Headers[name] = value;
        if (target.StartsWith('{') || target.StartsWith('['))
        {
            context.Response.ContentType ??= "application/json";
            await context.Response.WriteAsync(target, ct).ConfigureAwait(false);
            return;
        }
        var bytes = LabManifest.ReadResource("pages/" + target);
        if (bytes is null)
        {
            await Text(context, 500, $"lab page {target} is missing").ConfigureAwait(false);
            return;
        }
        if (string.IsNullOrEmpty(context.Response.ContentType)) context.Response.ContentType = ContentTypeOf(target);
        await context.Response.Body.WriteAsync(bytes, ct).ConfigureAwait(false);
    }

    /// <summary>The hostile and unusual hosts. Returns false to fall through to the site's pages.</summary>
    private async Task<bool> BehaveAsync(HttpContext context, LabSite site, string behaviour, string path)
    {
        var response = context.Response;
        var ct = context.RequestAborted;
        switch (behaviour)
        {
            case "redirect-same" when path == "/":
                response.Redirect("/home");
                return true;
            case "redirect-same" when path == "/home":
                response.StatusCode = 301;
                response.Headers.Location = $"http://{site.Domain}/landing";
                return true;
            case "redirect-same" when path == "/landing":
                await Text(context, 200, "<html><head><title>Landing after redirects</title></head><body>arrived</body></html>", "text/html; charset=utf-8").ConfigureAwait(false);
                return true;
            case "redirect-cross" when path == "/":
                response.Redirect("http://news-daily.test/");
                return true;
            case "redirect-metadata":
                response.Redirect("http://169.254.169.254/latest/meta-data/iam/security-credentials/");
                return true;
            case "redirect-loopback":
                response.Redirect($"http://127.0.0.1:{HttpPort}/admin");
                return true;
            case "redirect-private":
                response.Redirect("http://internal.lab-corp.test/admin");
                return true;
            case "redirect-loop":
                response.Redirect(path == "/a" ? "/b" : "/a");
                return true;
            case "redirect-long":
                var n = path.StartsWith("/hop", StringComparison.Ordinal) && int.TryParse(path[4..], out var i) ? i + 1 : 1;
                response.Redirect($"/hop{n}");
                return true;
            case "huge" when path == "/":
                response.ContentType = "text/html; charset=utf-8";
                response.ContentLength = HugeBytes;
                var chunk = Encoding.ASCII.GetBytes(new string('x', 64 * 1024));
                await response.WriteAsync("<html><head><title>Twenty mebibytes</title></head><body>", ct).ConfigureAwait(false);
                for (var written = 57; written < HugeBytes; written += chunk.Length)
                {
                    await response.Body.WriteAsync(chunk.AsMemory(0, Math.Min(chunk.Length, HugeBytes - written)), ct).ConfigureAwait(false);
                }
                return true;
            case "gzip-bomb" when path == "/":
                response.ContentType = "text/html; charset=utf-8";
                response.Headers.ContentEncoding = "gzip";
                await response.Body.WriteAsync(GzipBomb.Value, ct).ConfigureAwait(false);
                return true;
            case "slow-drip" when path == "/":
                response.ContentType = "text/html; charset=utf-8";
                await response.WriteAsync("<html><head><title>Slow</title>", ct).ConfigureAwait(false);
                await response.Body.FlushAsync(ct).ConfigureAwait(false);
                // One byte every half second until the client gives up: the fetcher's time cap must end it.
                while (!ct.IsCancellationRequested)
                {
                    await Task.Delay(500, ct).ConfigureAwait(false);
                    await response.WriteAsync(" ", ct).ConfigureAwait(false);
                    await response.Body.FlushAsync(ct).ConfigureAwait(false);
                }
                return true;
            case "reset":
                context.Abort();
                return true;
            case "big-headers" when path == "/":
                response.Headers["X-Padding"] = new string('p', 100 * 1024);
                await Text(context, 200, "<html><head><title>big headers</title></head></html>", "text/html").ConfigureAwait(false);
                return true;
            case "gbk" when path == "/":
                response.ContentType = "text/html; charset=GBK";
                await response.Body.WriteAsync(Encode("gbk-page.html", "GBK"), ct).ConfigureAwait(false);
                return true;
            case "gbk-meta" when path == "/":
                response.ContentType = "text/html";
                await response.Body.WriteAsync(Encode("gbk-page.html", "GBK"), ct).ConfigureAwait(false);
                return true;
            case "big5" when path == "/":
                response.ContentType = "text/html; charset=big5";
                await response.Body.WriteAsync(Encode("big5-page.html", "big5"), ct).ConfigureAwait(false);
                return true;
        }
        return false;
    }

    private static byte[] Encode(string page, string encoding)
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var text = Encoding.UTF8.GetString(LabManifest.ReadResource("pages/" + page) ?? []);
        return Encoding.GetEncoding(encoding).GetBytes(text);
    }

    private static byte[] MakeGzipBomb(int uncompressed)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write("<html><head><title>bomb</title></head><body>"u8);
            var zeros = new byte[1024 * 1024];
            for (var i = 0; i < uncompressed / zeros.Length; i++) gzip.Write(zeros);
        }
        return output.ToArray();
    }

    private static Task Text(HttpContext context, int status, string text, string contentType = "text/plain; charset=utf-8")
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        return context.Response.WriteAsync(text, context.RequestAborted);
    }

    private static string ContentTypeOf(string file) => Path.GetExtension(file).ToLowerInvariant() switch
    {
        ".html" or ".htm" => "text/html; charset=utf-8",
        ".json" => "application/json",
        ".svg" => "image/svg+xml",
        ".ico" => "image/x-icon",
        ".txt" => "text/plain; charset=utf-8",
        ".png" => "image/png",
        ".js" => "application/javascript",
        ".css" => "text/css",
        _ => "application/octet-stream",
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>A host lifetime that leaves stop signals to the command that owns the host.</summary>
internal sealed class CommandOwnedLifetime : Microsoft.Extensions.Hosting.IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
