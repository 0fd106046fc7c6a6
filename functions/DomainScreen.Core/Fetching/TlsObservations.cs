using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Caching.Memory;

namespace DomainScreen.Core.Fetching;

/// <summary>
/// Certificates seen during TLS handshakes, by host. The handler's validation callback records each certificate
/// with its chain result and accepts it: an invalid certificate is evidence, not a reason to stop.
/// </summary>
public sealed class TlsObservations : IDisposable
{
    private const int Entries = 50_000;
    private readonly MemoryCache _seen = new(new MemoryCacheOptions { SizeLimit = Entries });
    private static readonly TimeSpan Keep = TimeSpan.FromMinutes(10);

    /// <summary>For <see cref="SslClientAuthenticationOptions.RemoteCertificateValidationCallback"/>.</summary>
    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || sender is not SslStream stream) return true;
        var host = stream.TargetHostName.ToLowerInvariant();
        using var cert = new X509Certificate2(certificate);
        var chainErrors = new List<string>();
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch)) chainErrors.Add("name mismatch");
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable)) chainErrors.Add("no certificate");
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors))
        {
            chainErrors.AddRange(chain?.ChainStatus.Select(s => s.Status.ToString()).Distinct() ?? ["chain error"]);
        }
        var evidence = new TlsEvidence(
            host,
            cert.Subject,
            cert.Issuer,
            SubjectAltNames(cert),
            new DateTimeOffset(cert.NotBefore.ToUniversalTime(), TimeSpan.Zero),
            new DateTimeOffset(cert.NotAfter.ToUniversalTime(), TimeSpan.Zero),
            cert.SubjectName.RawData.AsSpan().SequenceEqual(cert.IssuerName.RawData),
            errors == SslPolicyErrors.None,
            chainErrors,
            Convert.ToHexStringLower(SHA256.HashData(cert.RawData)),
            null);
        _seen.SetMakingRoom(Entries, host, evidence, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = Keep });
        return true;
    }

    public TlsEvidence? For(string host) => _seen.TryGetValue(host.ToLowerInvariant(), out TlsEvidence? e) ? e : null;

    private static string[] SubjectAltNames(X509Certificate2 cert)
    {
        var ext = cert.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        return ext is null ? [] : ext.EnumerateDnsNames().Concat(ext.EnumerateIPAddresses().Select(ip => ip.ToString())).Take(100).ToArray();
    }

    public void Dispose() => _seen.Dispose();
}
