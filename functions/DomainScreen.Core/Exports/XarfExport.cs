using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using DomainScreen.Core.Actions;
using DomainScreen.Core.Screening;

namespace DomainScreen.Core.Exports;

/// <summary>
/// An XARF v4 abuse report (xarf-spec schemas/v4: core + content-base + content-fraud) for a <c>deregister</c>
/// action, to the registrar's abuse contact from the registration evidence when known: category <c>content</c>, type
/// <c>fraud</c> (<c>fraud_type</c> other: the schema has no AI-abuse type), the URL, the A-label domain, registrar and
/// name servers, and one evidence item — the verdict with the hashes and times of the stored evidence.
/// </summary>
public static class XarfExport
{
    public const string Version = "4.2.0";

    public static JsonObject Write(PartnerAction action, ScreeningResult? latest, ActionOptions options, DateTimeOffset now)
    {
        var reporter = new JsonObject { ["org"] = options.ReporterOrg, ["contact"] = options.ReporterContact, ["domain"] = options.ReporterDomain };
        var verdict = latest?.Verdict;
        var summary = new JsonObject
        {
            ["caseId"] = action.CaseId, ["actionId"] = action.ActionId, ["decision"] = "deregister approved by " + string.Join(", ", action.ApprovedBy),
            ["approvedAt"] = action.CreatedAt.ToString("O"), ["band"] = verdict?.Band, ["score"] = verdict?.Score,
            ["categories"] = new JsonArray(action.Categories.Select(c => (JsonNode)JsonValue.Create(c)).ToArray()),
            ["products"] = new JsonArray((verdict?.Products ?? []).Select(p => (JsonNode)JsonValue.Create(p.Name)).ToArray()),
            ["screenedAt"] = latest?.ScreenedAt.ToString("O"), ["finalUrl"] = latest?.Fetch?.FinalUrl,
            ["pageSha256"] = latest?.Fetch?.BodySha256, ["faviconSha256"] = latest?.Fetch?.Favicon?.Sha256,
            ["catalogVersion"] = verdict?.CatalogVersion, ["policyVersion"] = verdict?.PolicyVersion,
            ["why"] = new JsonArray((verdict?.Evidence ?? []).Where(e => e.Weight > 0).OrderByDescending(e => e.Weight).Take(10)
                .Select(e => (JsonNode)JsonValue.Create($"{e.Weight:+0;-0} {e.Detail}" + (e.Matched is { } m ? $" \"{m}\"" : ""))).ToArray()),
        };
        var payload = Encoding.UTF8.GetBytes(summary.ToJsonString());
        var report = new JsonObject
        {
            ["xarf_version"] = Version,
            ["report_id"] = StixExport.NameUuid("xarf:" + action.ActionId).ToString(),
            ["timestamp"] = (latest?.ScreenedAt ?? action.CreatedAt).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
            ["reporter"] = reporter,
            ["sender"] = reporter.DeepClone(),
            ["source_identifier"] = action.Domain,
            ["category"] = "content",
            ["type"] = "fraud",
            ["fraud_type"] = "other",
            ["url"] = latest?.Fetch?.FinalUrl ?? $"http://{action.Domain}/",
            ["domain"] = action.Domain,
            ["evidence_source"] = "automated_discovery",
            ["verification_method"] = "automated_crawler",
            ["confidence"] = verdict is null ? 0.5 : Math.Round(Math.Clamp(verdict.Score / 100.0, 0, 1), 2),
            ["description"] = Clip($"AI-abuse service ({string.Join(", ", action.Categories)}) at {action.DisplayName}; deregistration approved after review of case {action.CaseId}.", 1000),
            ["tags"] = new JsonArray(action.Categories.Select(c => (JsonNode)JsonValue.Create("ai-abuse:" + c)).ToArray()),
            ["evidence"] = new JsonArray(new JsonObject
            {
                ["content_type"] = "application/json",
                ["description"] = "Verdict, evidence hashes (page body, favicon) and times from DomainScreen",
                ["payload"] = Convert.ToBase64String(payload),
                ["hash"] = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(payload)),
                ["size"] = payload.Length,
            }),
        };
        if (latest?.Registration is { } registration)
        {
            if (registration.Registrar is { } registrar) report["registrar"] = registrar;
            if (registration.NameServers.Count > 0) report["nameservers"] = new JsonArray(registration.NameServers.Select(n => (JsonNode)JsonValue.Create(n)).ToArray());
            var whois = new JsonObject();
            if (registration.Created is { } created) whois["created_date"] = created.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
            if (registration.AbuseEmail is { } abuse) whois["registrar_abuse_contact"] = abuse;
            if (whois.Count > 0) report["whois"] = whois;
        }
        if (latest?.Dns?.Addresses is { Count: > 0 } addresses)
        {
            report["dns_records"] = new JsonObject
            {
                ["a"] = new JsonArray(addresses.Where(a => !a.Contains(':', StringComparison.Ordinal)).Select(a => (JsonNode)JsonValue.Create(a)).ToArray()),
                ["aaaa"] = new JsonArray(addresses.Where(a => a.Contains(':', StringComparison.Ordinal)).Select(a => (JsonNode)JsonValue.Create(a)).ToArray()),
            };
        }
        return report;
    }

    private static string Clip(string s, int max) => s.Length <= max ? s : s[..max];
}
