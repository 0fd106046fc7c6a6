using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace DomainScreen.Local.Lab;

/// <summary>A self-signed certificate for the lab's HTTPS sites, made at start (nothing secret is stored).</summary>
public static class LabTls
{
    public static X509Certificate2 SelfSigned(IEnumerable<string> names, TimeProvider time)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=DomainScreen Lab, O=DomainScreen Lab", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in names) san.AddDnsName(name);
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        var now = time.GetUtcNow();
        using var cert = request.CreateSelfSigned(now.AddDays(-3), now.AddDays(27));
        // Re-import so the private key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12), null);
    }
}
