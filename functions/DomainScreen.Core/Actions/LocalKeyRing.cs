using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace DomainScreen.Core.Actions;

/// <summary>
/// Signing keys in a local folder (<see cref="ActionOptions.SigningKeyDirectory"/>): one P-256 key per file
/// <c>&lt;kid&gt;.pem</c> (PKCS#8, owner-only) with <c>&lt;kid&gt;.json</c> saying when it was made and retired. The
/// newest unretired key signs; a retired key stays published for one message lifetime, so messages signed before a
/// rotation still verify until they expire. The folder gets its first key on first use.
/// </summary>
public sealed class LocalKeyRing(IOptions<ActionOptions> options, TimeProvider time) : IActionSigner, IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private List<RingKey>? _keys;

    private sealed record RingKey(string Kid, ECDsa Key, DateTimeOffset CreatedAt, DateTimeOffset? RetiredAt);

    private string Directory => options.Value.SigningKeyDirectory
        ?? throw new InvalidOperationException("Actions:SigningKeyDirectory is not set (and no Actions:KeyVaultUri): nothing can sign partner messages.");

    public async Task<string> CurrentKeyIdAsync(CancellationToken cancellationToken) => (await CurrentAsync(cancellationToken).ConfigureAwait(false)).Kid;

    public async Task<byte[]> SignAsync(string kid, byte[] signingInput, CancellationToken cancellationToken)
    {
        var keys = await LoadAsync(cancellationToken).ConfigureAwait(false);
        var key = keys.FirstOrDefault(k => k.Kid == kid) ?? throw new InvalidOperationException($"no signing key {kid}");
        return key.Key.SignData(signingInput, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    public async Task<JsonWebKeySet> PublicKeysAsync(CancellationToken cancellationToken)
    {
        await CurrentAsync(cancellationToken).ConfigureAwait(false); // a fresh folder gets its first key
        var keys = await LoadAsync(cancellationToken).ConfigureAwait(false);
        var oldest = time.GetUtcNow() - TimeSpan.FromHours(options.Value.MessageLifetimeHours);
        return new JsonWebKeySet(keys.Where(k => k.RetiredAt is not { } r || r > oldest)
            .Select(k => Jws.PublicKey(k.Key.ExportParameters(false))).ToList());
    }

    /// <summary>Retires the current key and makes a new one; returns the new key id.</summary>
    public async Task<string> RotateAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var key in await ReadAllAsync().ConfigureAwait(false))
            {
                if (key.RetiredAt is null) WriteInfo(key.Kid, new KeyInfoFile(key.CreatedAt, time.GetUtcNow()));
                key.Key.Dispose();
            }
            var kid = Create();
            _keys = null;
            return kid;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<RingKey> CurrentAsync(CancellationToken cancellationToken)
    {
        var keys = await LoadAsync(cancellationToken).ConfigureAwait(false);
        if (keys.Where(k => k.RetiredAt is null).MaxBy(k => k.CreatedAt) is { } current) return current;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _keys = null;
            if ((await ReadAllAsync().ConfigureAwait(false)).All(k => k.RetiredAt is not null)) Create();
        }
        finally
        {
            _gate.Release();
        }
        return (await LoadAsync(cancellationToken).ConfigureAwait(false)).Where(k => k.RetiredAt is null).MaxBy(k => k.CreatedAt)!;
    }

    private async Task<List<RingKey>> LoadAsync(CancellationToken cancellationToken)
    {
        if (_keys is { } loaded) return loaded;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return _keys ??= await ReadAllAsync().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<List<RingKey>> ReadAllAsync()
    {
        System.IO.Directory.CreateDirectory(Directory);
        var keys = new List<RingKey>();
        foreach (var pem in System.IO.Directory.GetFiles(Directory, "*.pem"))
        {
            var kid = Path.GetFileNameWithoutExtension(pem);
            var key = ECDsa.Create();
            key.ImportFromPem(await File.ReadAllTextAsync(pem).ConfigureAwait(false));
            var infoPath = Path.ChangeExtension(pem, ".json");
            var info = File.Exists(infoPath)
                ? JsonSerializer.Deserialize(await File.ReadAllTextAsync(infoPath).ConfigureAwait(false), CoreJson.Default.KeyInfoFile)!
                : new KeyInfoFile(File.GetCreationTimeUtc(pem), null);
            keys.Add(new RingKey(kid, key, info.CreatedAt, info.RetiredAt));
        }
        return keys;
    }

    private string Create()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var kid = Jws.PublicKey(key.ExportParameters(false)).Kid;
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var writer = new StreamWriter(new FileStream(Path.Combine(Directory, kid + ".pem"), options)))
        {
            writer.Write(key.ExportPkcs8PrivateKeyPem());
        }
        WriteInfo(kid, new KeyInfoFile(time.GetUtcNow(), null));
        return kid;
    }

    private void WriteInfo(string kid, KeyInfoFile info) =>
        File.WriteAllText(Path.Combine(Directory, kid + ".json"), JsonSerializer.Serialize(info, CoreJson.Default.KeyInfoFile));

    public void Dispose()
    {
        foreach (var key in _keys ?? []) key.Key.Dispose();
        _gate.Dispose();
    }
}

/// <summary>The metadata file beside a local signing key.</summary>
public sealed record KeyInfoFile(DateTimeOffset CreatedAt, DateTimeOffset? RetiredAt);
