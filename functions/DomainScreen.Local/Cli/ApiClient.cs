using System.CommandLine;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using DomainScreen.Core.Api;
using DomainScreen.Local.Hosting;

namespace DomainScreen.Local.Cli;

/// <summary>An answer from the API: status, body, ETag.</summary>
internal sealed record ApiAnswer(int Status, string Body, string? ETag)
{
    public bool Ok => Status is >= 200 and < 300;

    public JsonElement Json => JsonDocument.Parse(Body.Length == 0 ? "{}" : Body).RootElement.Clone();

    /// <summary>"404 not-found: No case x." from an error body.</summary>
    public string Problem()
    {
        try
        {
            var e = Json;
            return $"{Status} {e.GetProperty("code").GetString()}: {e.GetProperty("message").GetString()}";
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return $"{Status}: {Body}";
        }
    }
}

/// <summary>Thrown when the API cannot be reached at all.</summary>
internal sealed class ApiUnreachableException(string message) : Exception(message);

/// <summary>
/// The CLI's client for a running <c>serve</c> or the Azure app. The URL comes from <c>--url</c>, else
/// <c>DOMAINSCREEN_URL</c>, else where <c>serve</c> last listened (<c>.domainscreen/keys.json</c>), else
/// http://127.0.0.1:7071. The key from <c>--key</c>, else <c>DOMAINSCREEN_KEY</c>, else <c>keys.json</c>'s key for
/// the role the command needs.
/// </summary>
internal sealed class ApiClient : IDisposable
{
    private readonly HttpClient _http;

    private ApiClient(HttpClient http, Uri baseAddress)
    {
        _http = http;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public static readonly Option<string?> UrlOption = new("--url") { Description = "The API: a running `serve` (default: where it last listened) or the Azure app." };
    public static readonly Option<string?> KeyOption = new("--key") { Description = "API key (default: DOMAINSCREEN_KEY, else the key serve created for the role this command needs)." };
    public static readonly Option<bool> JsonOption = new("--json") { Description = "Print the API's JSON answer." };

    public static ApiClient Create(ParseResult parse, string role)
    {
        LocalState? state = null;
        try
        {
            state = LocalState.Default();
        }
        catch (InvalidOperationException)
        {
            // Not inside a checkout: only --url/--key or the environment can say where to go.
        }
        var url = parse.GetValue(UrlOption) ?? Environment.GetEnvironmentVariable("DOMAINSCREEN_URL") ?? state?.Url ?? LocalRuntime.DefaultUrl;
        var key = parse.GetValue(KeyOption) ?? Environment.GetEnvironmentVariable("DOMAINSCREEN_KEY") ?? state?.KeyFor(role);
        return For(url, key);
    }

    /// <summary>A client for a known URL and key (the demo, tests).</summary>
    public static ApiClient For(string url, string? key)
    {
        var baseAddress = new Uri(url.TrimEnd('/') + "/");
        var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (key is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return new ApiClient(http, baseAddress);
    }

    public Task<ApiAnswer> GetAsync(string path, CancellationToken cancellationToken) => SendAsync(HttpMethod.Get, path, null, null, cancellationToken);

    public async Task<ApiAnswer> SendAsync(HttpMethod method, string path, object? body, IReadOnlyDictionary<string, string>? headers,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(path.TrimStart('/'), UriKind.Relative));
        if (body is not null) request.Content = new StringContent(body as string ?? throw new ArgumentException("body is JSON text", nameof(body)), Encoding.UTF8, "application/json");
        foreach (var (name, value) in headers ?? new Dictionary<string, string>()) request.Headers.TryAddWithoutValidation(name, value);
        try
        {
            using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return new ApiAnswer((int)response.StatusCode, text, response.Headers.ETag?.ToString());
        }
        catch (HttpRequestException ex)
        {
            throw new ApiUnreachableException($"cannot reach {BaseAddress} ({ex.Message}); is `domainscreen serve` running, or is --url right?");
        }
    }

    /// <summary>Sends a body of any media type (lists as text or CSV).</summary>
    public async Task<ApiAnswer> SendRawAsync(HttpMethod method, string path, byte[] body, string contentType, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(path.TrimStart('/'), UriKind.Relative)) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        try
        {
            using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            return new ApiAnswer((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false), response.Headers.ETag?.ToString());
        }
        catch (HttpRequestException ex)
        {
            throw new ApiUnreachableException($"cannot reach {BaseAddress} ({ex.Message}); is `domainscreen serve` running, or is --url right?");
        }
    }

    public void Dispose() => _http.Dispose();

    /// <summary>Runs a CLI action against the API: prints what cannot be reached or was refused, as one line, and sets the exit code.</summary>
    public static async Task<int> RunAsync(ParseResult parse, string role, Func<ApiClient, Task<int>> action)
    {
        using var client = Create(parse, role);
        try
        {
            return await action(client).ConfigureAwait(false);
        }
        catch (ApiUnreachableException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return 3;
        }
    }

    /// <summary>Prints an answer that is not a success and returns the exit code for it (1).</summary>
    public static int Fail(ApiAnswer answer)
    {
        Console.Error.WriteLine($"error: {answer.Problem()}");
        return 1;
    }

    public static string Encode(string value) => Uri.EscapeDataString(value);

    public static readonly string[] DefaultRoles = Roles.All;
}
