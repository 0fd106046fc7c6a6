using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace DomainScreen.Local.Lab;

/// <summary>The lab's web server: one page per lab domain, chosen by the Host header, on loopback.</summary>
public sealed class LabHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Dictionary<string, LabSite> _sites;
    private readonly List<LabSite> _wildcards;

    private LabHttpServer(WebApplication app, IEnumerable<LabSite> sites, int httpPort)
    {
        _app = app;
        _sites = sites.ToDictionary(s => s.Domain.ToLowerInvariant(), StringComparer.Ordinal);
        _wildcards = _sites.Values.Where(s => s.Dns == "wildcard").ToList();
        HttpPort = httpPort;
    }

    public int HttpPort { get; }

    public static async Task<LabHttpServer> StartAsync(IEnumerable<LabSite> sites, CancellationToken cancellationToken = default)
    {
        var httpPort = FreePorts.Tcp();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, httpPort));
        var app = builder.Build();
        var server = new LabHttpServer(app, sites, httpPort);
        app.Run(server.HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        return server;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var host = context.Request.Host.Host.TrimEnd('.').ToLowerInvariant();
        var site = _sites.GetValueOrDefault(host) ?? _wildcards.FirstOrDefault(w => host.EndsWith("." + w.Domain, StringComparison.Ordinal));
        if (site is null)
        {
            context.Response.StatusCode = 404;
            await context.Response.WriteAsync("no such lab site", context.RequestAborted).ConfigureAwait(false);
            return;
        }
        var path = context.Request.Path.Value ?? "/";
        var target = path == "/" ? site.Page : site.Paths?.GetValueOrDefault(path);
        if (target is null)
        {
            context.Response.StatusCode = 404;
            context.Response.ContentType = "text/html; charset=utf-8";
            await context.Response.WriteAsync("<html><head><title>404 Not Found</title></head><body>Not Found</body></html>", context.RequestAborted)
                .ConfigureAwait(false);
            return;
        }
        foreach (var (name, value) in site.Headers ?? new Dictionary<string, string>()) context.Response.Headers[name] = value;
        if (target.StartsWith('{') || target.StartsWith('['))
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(target, context.RequestAborted).ConfigureAwait(false);
            return;
        }
        var bytes = LabManifest.ReadResource("pages/" + target);
        if (bytes is null)
        {
            context.Response.StatusCode = 500;
            await context.Response.WriteAsync($"lab page {target} is missing", context.RequestAborted).ConfigureAwait(false);
            return;
        }
        if (!context.Response.Headers.ContainsKey("Content-Type")) context.Response.ContentType = ContentTypeOf(target);
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
    }

    private static string ContentTypeOf(string file) => Path.GetExtension(file).ToLowerInvariant() switch
    {
        ".html" or ".htm" => "text/html; charset=utf-8",
        ".json" => "application/json",
        ".svg" => "image/svg+xml",
        ".ico" => "image/x-icon",
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
