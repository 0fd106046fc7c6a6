using System.Text;
using System.Text.Json;
using DomainScreen.Core.Actions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace DomainScreen.Core.Tests.Actions;

public sealed class JwsTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ds-keys-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero));
    private readonly LocalKeyRing _ring;

    public JwsTests() => _ring = new LocalKeyRing(Options.Create(new ActionOptions { SigningKeyDirectory = _dir, MessageLifetimeHours = 24 }), _time);

    private static readonly byte[] Payload = Encoding.UTF8.GetBytes("""{"v":1,"actionId":"a1","kind":"block","domain":"x.test"}""");

    [Fact]
    public async Task Sign_IsVerifiedByAnIndependentJoseLibrary()
    {
        var jws = await Jws.SignAsync(_ring, Payload, CancellationToken.None);
        var jwks = JsonSerializer.Serialize(await _ring.PublicKeysAsync(CancellationToken.None), CoreJson.Default.JsonWebKeySet);

        // Microsoft.IdentityModel reads the published JWKS and checks the ES256 signature itself.
        var keys = new Microsoft.IdentityModel.Tokens.JsonWebKeySet(jwks).GetSigningKeys();
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(jws, new TokenValidationParameters
        {
            IssuerSigningKeys = keys, ValidateIssuer = false, ValidateAudience = false, ValidateLifetime = false, RequireExpirationTime = false,
            RequireSignedTokens = true, ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256], TryAllIssuerSigningKeys = false,
        });

        Assert.True(result.IsValid, result.Exception?.Message);
        var header = JsonDocument.Parse(Jws.FromBase64Url(jws.Split('.')[0])).RootElement;
        Assert.Equal(("ES256", await _ring.CurrentKeyIdAsync(CancellationToken.None)), (header.GetProperty("alg").GetString(), header.GetProperty("kid").GetString()));
        Assert.Equal(64, Jws.FromBase64Url(jws.Split('.')[2]).Length); // r‖s, not DER
    }

    [Fact]
    public async Task Verify_RefusesTamperingUnknownKeysAndOtherAlgorithms()
    {
        var jws = await Jws.SignAsync(_ring, Payload, CancellationToken.None);
        var keys = await _ring.PublicKeysAsync(CancellationToken.None);
        var parts = jws.Split('.');
        var tampered = parts[0] + "." + Jws.Base64Url(Encoding.UTF8.GetBytes("""{"v":1,"actionId":"a1","kind":"block","domain":"bank.example"}""")) + "." + parts[2];
        var otherKid = Jws.Base64Url(Encoding.UTF8.GetBytes("""{"alg":"ES256","kid":"someone-else"}""")) + "." + parts[1] + "." + parts[2];
        var none = Jws.Base64Url(Encoding.UTF8.GetBytes("""{"alg":"none","kid":"x"}""")) + "." + parts[1] + ".";

        Assert.Equal(Payload, Jws.Verify(jws, keys).Payload);
        Assert.Equal("the signature does not verify", Jws.Verify(tampered, keys).Refusal);
        Assert.Contains("unknown key id", Jws.Verify(otherKid, keys).Refusal, StringComparison.Ordinal);
        Assert.Contains("is not ES256", Jws.Verify(none, keys).Refusal, StringComparison.Ordinal);
        Assert.Contains("three", Jws.Verify("abc", keys).Refusal, StringComparison.Ordinal);
        Assert.Contains("malformed", Jws.Verify("!!.!!.!!", keys).Refusal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotate_KeepsTheOldKeyPublishedForOneMessageLifetime()
    {
        var old = await _ring.CurrentKeyIdAsync(CancellationToken.None);
        var signedBefore = await Jws.SignAsync(_ring, Payload, CancellationToken.None);

        var fresh = await _ring.RotateAsync(CancellationToken.None);

        Assert.NotEqual(old, fresh);
        Assert.Equal(fresh, await _ring.CurrentKeyIdAsync(CancellationToken.None));
        Assert.NotNull(Jws.Verify(signedBefore, await _ring.PublicKeysAsync(CancellationToken.None)).Payload);
        _time.Advance(TimeSpan.FromHours(25));
        var later = await _ring.PublicKeysAsync(CancellationToken.None);
        Assert.Equal([fresh], later.Keys.Select(k => k.Kid));
        Assert.Null(Jws.Verify(signedBefore, later).Payload);
    }

    [Fact]
    public async Task KeyFiles_AreOwnerOnly_AndTheKidIsTheRfc7638Thumbprint()
    {
        var kid = await _ring.CurrentKeyIdAsync(CancellationToken.None);
        var jwk = Assert.Single((await _ring.PublicKeysAsync(CancellationToken.None)).Keys);

        Assert.Equal(kid, Jws.Thumbprint(jwk.X, jwk.Y));
        Assert.Equal(("EC", "P-256", "ES256", "sig"), (jwk.Kty, jwk.Crv, jwk.Alg, jwk.Use));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_dir, kid + ".pem")));
        }
    }

    public void Dispose()
    {
        _ring.Dispose();
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }
}
