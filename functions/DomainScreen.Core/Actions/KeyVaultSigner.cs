using System.Security.Cryptography;
using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Microsoft.Extensions.Options;

namespace DomainScreen.Core.Actions;

/// <summary>
/// Signs with an EC P-256 key held in Azure Key Vault through the vault's REST <c>sign</c> operation, so the private
/// key never leaves the vault (the client SDK for keys is not served by this build machine's registry; Azure.Core's
/// pipeline and <c>DefaultAzureCredential</c> do the same job). The app's identity needs "Key Vault Crypto User" on
/// the vault (infra/app/keyvault.bicep). Every enabled version of the key is a published public key; rotating means
/// adding a version in the vault (the newest signs) and disabling an old one after its messages expire.
/// </summary>
public sealed class KeyVaultSigner : IActionSigner, IDisposable
{
    private const string ApiVersion = "7.4";
    private readonly HttpPipeline _pipeline;
    private readonly Uri _key;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (DateTimeOffset At, string Kid, string VersionUri, JsonWebKeySet Keys, Dictionary<string, string> Versions)? _cache;
    private readonly TimeProvider _time;

    public KeyVaultSigner(IOptions<ActionOptions> options, TimeProvider time, IOptions<Storage.StorageOptions> storage)
    {
        var o = options.Value;
        _time = time;
        _key = new Uri(o.KeyVaultUri!, "keys/" + Uri.EscapeDataString(o.KeyName));
        var credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions
        {
            ManagedIdentityClientId = string.IsNullOrWhiteSpace(storage.Value.ClientId) ? null : storage.Value.ClientId,
        });
        _pipeline = HttpPipelineBuilder.Build(new KeyVaultClientOptions(), new BearerTokenAuthenticationPolicy(credential, "https://vault.azure.net/.default"));
    }

    public async Task<string> CurrentKeyIdAsync(CancellationToken cancellationToken) => (await StateAsync(cancellationToken).ConfigureAwait(false)).Kid;

    public async Task<byte[]> SignAsync(string kid, byte[] signingInput, CancellationToken cancellationToken)
    {
        var state = await StateAsync(cancellationToken).ConfigureAwait(false);
        if (!state.Versions.TryGetValue(kid, out var version)) throw new InvalidOperationException($"no key version with kid {kid}");
        var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["alg"] = Jws.Algorithm, ["value"] = Jws.Base64Url(SHA256.HashData(signingInput)) },
            CoreJson.Default.DictionaryStringString);
        using var json = await SendAsync(RequestMethod.Post, new Uri(version + "/sign?api-version=" + ApiVersion), body, cancellationToken).ConfigureAwait(false);
        return Jws.FromBase64Url(json.RootElement.GetProperty("value").GetString()!);
    }

    public async Task<JsonWebKeySet> PublicKeysAsync(CancellationToken cancellationToken) => (await StateAsync(cancellationToken).ConfigureAwait(false)).Keys;

    // Key versions change rarely: read them at most every 10 minutes.
    private async Task<(DateTimeOffset At, string Kid, string VersionUri, JsonWebKeySet Keys, Dictionary<string, string> Versions)> StateAsync(CancellationToken cancellationToken)
    {
        if (_cache is { } c && _time.GetUtcNow() - c.At < TimeSpan.FromMinutes(10)) return c;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var keys = new List<(PublicJwk Jwk, string Uri, DateTimeOffset Created)>();
            using var list = await SendAsync(RequestMethod.Get, new Uri(_key + "/versions?api-version=" + ApiVersion), null, cancellationToken).ConfigureAwait(false);
            foreach (var item in list.RootElement.GetProperty("value").EnumerateArray())
            {
                if (!item.GetProperty("attributes").GetProperty("enabled").GetBoolean()) continue;
                var uri = item.GetProperty("kid").GetString()!;
                using var key = await SendAsync(RequestMethod.Get, new Uri(uri + "?api-version=" + ApiVersion), null, cancellationToken).ConfigureAwait(false);
                var jwk = key.RootElement.GetProperty("key");
                var x = jwk.GetProperty("x").GetString()!;
                var y = jwk.GetProperty("y").GetString()!;
                var created = DateTimeOffset.FromUnixTimeSeconds(item.GetProperty("attributes").GetProperty("created").GetInt64());
                keys.Add((new PublicJwk("EC", "P-256", x, y, Jws.Thumbprint(x, y), "sig", Jws.Algorithm), uri, created));
            }
            if (keys.Count == 0) throw new InvalidOperationException($"{_key} has no enabled version");
            var current = keys.MaxBy(k => k.Created);
            var state = (_time.GetUtcNow(), current.Jwk.Kid, current.Uri, new JsonWebKeySet(keys.Select(k => k.Jwk).ToList()),
                keys.ToDictionary(k => k.Jwk.Kid, k => k.Uri));
            _cache = state;
            return state;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<JsonDocument> SendAsync(RequestMethod method, Uri uri, byte[]? body, CancellationToken cancellationToken)
    {
        using var message = _pipeline.CreateMessage();
        message.Request.Method = method;
        message.Request.Uri.Reset(uri);
        if (body is not null)
        {
            message.Request.Headers.Add("Content-Type", "application/json");
            message.Request.Content = RequestContent.Create(body);
        }
        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (message.Response.IsError) throw new InvalidOperationException($"Key Vault {method} {uri.AbsolutePath}: {message.Response.Status} {message.Response.Content}");
        return await JsonDocument.ParseAsync(message.Response.ContentStream!, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _gate.Dispose();

    private sealed class KeyVaultClientOptions : ClientOptions;
}
