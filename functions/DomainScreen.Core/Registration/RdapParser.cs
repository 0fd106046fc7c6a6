using System.Globalization;
using System.Text.Json;

namespace DomainScreen.Core.Registration;

/// <summary>Reads an RDAP domain object (RFC 9083): events, registrar entity with its nested abuse entity, status, name servers.</summary>
internal static class RdapParser
{
    public static RegistrationEvidence Parse(string domain, string server, ReadOnlySpan<byte> json, DateTimeOffset fetchedAt)
    {
        using var doc = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 32 });
        var root = doc.RootElement;
        DateTimeOffset? created = null, expires = null, updated = null;
        foreach (var e in Array(root, "events"))
        {
            var action = Str(e, "eventAction");
            var date = DateTimeOffset.TryParse(Str(e, "eventDate"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d) ? d : (DateTimeOffset?)null;
            switch (action)
            {
                case "registration": created ??= date; break;
                case "expiration": expires ??= date; break;
                case "last changed": updated ??= date; break;
            }
        }
        string? registrar = null, ianaId = null, abuseEmail = null, abusePhone = null;
        foreach (var entity in Array(root, "entities"))
        {
            if (!HasRole(entity, "registrar")) continue;
            registrar = VcardValue(entity, "fn") ?? Str(entity, "handle");
            ianaId = Array(entity, "publicIds").FirstOrDefault(p => Str(p, "type") == "IANA Registrar ID") is { ValueKind: JsonValueKind.Object } id
                ? Str(id, "identifier") : null;
            foreach (var nested in Array(entity, "entities"))
            {
                if (!HasRole(nested, "abuse")) continue;
                abuseEmail = VcardValue(nested, "email");
                abusePhone = VcardValue(nested, "tel");
            }
            break;
        }
        return new RegistrationEvidence
        {
            Domain = domain,
            Source = "rdap",
            Outcome = RegistrationOutcomes.Found,
            Server = server,
            Created = created,
            Expires = expires,
            Updated = updated,
            Registrar = registrar,
            RegistrarIanaId = ianaId,
            AbuseEmail = abuseEmail,
            AbusePhone = abusePhone?.StartsWith("tel:", StringComparison.OrdinalIgnoreCase) == true ? abusePhone[4..] : abusePhone,
            Statuses = Array(root, "status").Select(s => s.GetString()).OfType<string>().Take(20).ToArray(),
            NameServers = Array(root, "nameservers").Select(n => Str(n, "ldhName")?.ToLowerInvariant().TrimEnd('.')).OfType<string>().Take(20).ToArray(),
            FetchedAt = fetchedAt,
        };
    }

#pragma warning disable CA1859 // An empty sequence for a missing member needs the interface type.
    private static IEnumerable<JsonElement> Array(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var a) && a.ValueKind == JsonValueKind.Array ? a.EnumerateArray() : [];
#pragma warning restore CA1859

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static bool HasRole(JsonElement entity, string role) => Array(entity, "roles").Any(r => r.ValueKind == JsonValueKind.String && r.GetString() == role);

    // jCard (RFC 7095): ["vcard", [[name, params, type, value], ...]]
    private static string? VcardValue(JsonElement entity, string property)
    {
        if (!entity.TryGetProperty("vcardArray", out var vcard) || vcard.ValueKind != JsonValueKind.Array || vcard.GetArrayLength() < 2) return null;
        foreach (var item in vcard[1].EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Array && item.GetArrayLength() >= 4 && item[0].ValueKind == JsonValueKind.String
                && item[0].GetString() == property && item[3].ValueKind == JsonValueKind.String)
            {
                return item[3].GetString();
            }
        }
        return null;
    }
}
