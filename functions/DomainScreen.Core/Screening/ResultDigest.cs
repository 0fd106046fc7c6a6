using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace DomainScreen.Core.Screening;

/// <summary>
/// A short hash of what a result says, leaving out what changes on every screen (times, durations, request ids,
/// TTLs, the wildcard probe's random name): DNS answers, the page, favicon and probe hashes, the registration, and the
/// verdict (score, band, categories, products, functions) with the catalog and policy versions that produced it — not
/// its notes, which may say how many days old the registration is. Two results with the same digest tell a reviewer the
/// same thing, so a sweep that finds the digest it stored last time records only that the domain was checked.
/// </summary>
public static class ResultDigest
{
    public static string Of(ScreeningResult r)
    {
        var b = new StringBuilder(512);
        void Add(object? value) => b.Append(value is IFormattable f ? f.ToString(null, CultureInfo.InvariantCulture) : value).Append('\u001f');

        Add(r.Domain); Add(r.Stage); Add(r.Status);
        // A failure's reason matters (a timeout one night, a refused connection the next); its timings do not.
        Add(r.Status == ScreeningResult.Failed ? r.Error : null);
        if (r.Dns is { } dns)
        {
            Add(dns.Status); Add(dns.CnameChainTruncated);
            foreach (var c in dns.CnameChain) Add(c);
            foreach (var record in dns.Answers.SelectMany(a => a.Records.Select(x => $"{a.Type}:{a.Outcome}:{x.Type}:{x.Name}:{x.Value}"))
                .Concat(dns.Answers.Where(a => a.Records.Count == 0).Select(a => $"{a.Type}:{a.Outcome}:{a.ResponseCode}"))
                .Order(StringComparer.Ordinal))
            {
                Add(record);
            }
            Add(dns.Wildcard?.Answers); Add(dns.Wildcard?.SameAsTarget);
        }
        // A fetch cut off by the time budget (a slow host) stops wherever the clock stopped it: its partial body, status
        // and probes differ from screen to screen and say nothing new; that it timed out (and the verdict) is what counts.
        if (r.Fetch is { Outcome: Fetching.FetchOutcomes.Timeout } timedOut)
        {
            Add(timedOut.Outcome);
        }
        else if (r.Fetch is { } fetch)
        {
            Add(fetch.Outcome); Add(fetch.FinalUrl); Add(fetch.Status); Add(fetch.BodySha256); Add(fetch.Truncated); Add(fetch.CrossDomainRedirect);
            Add(fetch.Favicon?.Sha256); Add(fetch.Favicon?.Outcome);
            foreach (var p in fetch.Probes) { Add(p.Path); Add(p.Status); Add(p.Sha256); Add(p.Outcome); }
            Add(fetch.Tls?.Sha256Thumbprint); Add(fetch.Tls?.ChainValid);
        }
        if (r.Registration is { } reg)
        {
            Add(reg.Outcome); Add(reg.Created); Add(reg.Expires); Add(reg.Registrar); Add(reg.RegistrarIanaId); Add(reg.AbuseEmail);
        }
        if (r.Verdict is { } v)
        {
            Add(v.Score); Add(v.Band); Add(v.CatalogVersion); Add(v.PolicyVersion);
            foreach (var c in v.Categories) Add(c);
            foreach (var p in v.Products) Add(p.Id);
            foreach (var f in v.Functions ?? []) Add(f);
        }
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(b.ToString()), hash);
        return Convert.ToBase64String(hash[..16]).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
