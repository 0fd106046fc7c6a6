using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using DomainScreen.Core;
using DomainScreen.Core.Dns;
using DomainScreen.Core.Domains;
using DomainScreen.Core.Screening;
using DomainScreen.Core.Scoring;
using DomainScreen.Local.Lab;
using Microsoft.Extensions.DependencyInjection;

namespace DomainScreen.Local.Cli;

/// <summary><c>domainscreen screen &lt;domain…&gt; [--json] [--dns-server host:port] [--lab]</c>: screen live, print the evidence.</summary>
internal static class ScreenCommand
{
    public static Command Create()
    {
        var domains = new Argument<string[]>("domain") { Description = "Names, URLs or host:port, as an analyst pastes them.", Arity = ArgumentArity.OneOrMore };
        var json = new Option<bool>("--json") { Description = "Print the results as a JSON array." };
        var dnsServer = new Option<string?>("--dns-server") { Description = "Resolver to ask, ip or ip:port (default: the system's)." };
        var lab = new Option<bool>("--lab") { Description = "Start the lab and screen against it." };
        var command = new Command("screen", "Screen domains now (DNS, landing page, TLS, favicon, registration) and print the evidence; nothing is stored.")
        {
            domains, json, dnsServer, lab,
        };
        command.SetAction(async (parse, ct) =>
            await RunAsync(parse.GetValue(domains)!, parse.GetValue(json), parse.GetValue(dnsServer), parse.GetValue(lab), Console.Out, ct).ConfigureAwait(false));
        return command;
    }

    public static async Task<int> RunAsync(string[] inputs, bool json, string? dnsServer, bool withLab, TextWriter output, CancellationToken cancellationToken)
    {
        await using var world = withLab ? await LabWorld.StartAsync(cancellationToken).ConfigureAwait(false) : null;
        var settings = new Dictionary<string, string?>(world?.Settings ?? new Dictionary<string, string?>());
        if (dnsServer is not null) settings["Dns:Servers:0"] = dnsServer;
        // One name at a time at a terminal: wait for its registration as long as its budget allows (the grace period
        // keeps bulk screening from queueing behind RDAP rate limits; here nothing queues).
        settings.TryAdd("Screening:RegistrationGraceSeconds", "600");
        await using var services = CliServices.Build(settings);
        var parser = services.GetRequiredService<DomainParser>();
        var screener = services.GetRequiredService<DomainScreener>();
        var catalogs = services.GetRequiredService<DomainScreen.Core.Fingerprints.CatalogProvider>();
        var request = new ScreenRequest(1, "cli-" + Guid.NewGuid().ToString("N")[..8], ScreenRequest.SubmissionSource, "cli", [], DateTimeOffset.MinValue);

        var results = new List<ScreeningResult>();
        var exit = 0;
        foreach (var input in inputs)
        {
            var parsed = parser.TryParse(input);
            if (parsed.Name is null)
            {
                await Console.Error.WriteLineAsync($"{input}: {parsed.Error!.CodeName}: {parsed.Error.Message}").ConfigureAwait(false);
                exit = 1;
                continue;
            }
            var result = await screener.ScreenAsync(parsed.Name, request, catalogs.Current, cancellationToken).ConfigureAwait(false);
            results.Add(result);
            if (!json) Print(output, result);
        }
        if (json)
        {
            var reports = results.Select(r => r.Verdict is { } v
                ? VerdictReport.From(v, r.Domain, r.Fetch?.FinalUrl, r.Fetch?.Title, r)
                : new VerdictReport(r.Domain, r.Fetch?.FinalUrl, r.Fetch?.Title, "unscored", 0, [], [], [], [], [], [r.Error ?? "not scored"], "", "", r)).ToList();
            await output.WriteLineAsync(JsonSerializer.Serialize(reports, CoreJson.Default.ListVerdictReport)).ConfigureAwait(false);
        }
        return exit;
    }

    private static void Print(TextWriter o, ScreeningResult r)
    {
        o.WriteLine($"== {r.Domain}{(r.DisplayName != r.Domain ? $" ({r.DisplayName})" : "")}  registrable {r.RegistrableDomain}  stage {r.Stage}  {r.Status} in {r.DurationMs} ms");
        if (r.Error is not null) o.WriteLine($"   error: {r.Error}");
        if (r.Dns is { } d)
        {
            o.WriteLine($"   dns: {d.Status}  addresses [{string.Join(", ", d.Addresses)}]" + (d.CnameChain.Count > 0 ? $"  cname {string.Join(" -> ", d.CnameChain)}" : ""));
            foreach (var type in new[] { DnsRecordType.NS, DnsRecordType.MX, DnsRecordType.TXT })
            {
                var records = d.Records(type).Select(x => x.Value).ToList();
                if (records.Count > 0) o.WriteLine($"   {type}: {string.Join(", ", records)}");
            }
            if (d.Wildcard is { Answers: true } w) o.WriteLine($"   wildcard zone: {w.ProbeName} -> {string.Join(", ", w.Addresses)}");
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"   fast-flux hints: {d.FastFlux.AddressCount} addresses, min TTL {d.FastFlux.MinTtl?.ToString(CultureInfo.InvariantCulture) ?? "-"}, {d.FastFlux.DistinctSlash24} /24s"));
        }
        if (r.Fetch is { } f)
        {
            o.WriteLine($"   fetch: {f.Outcome}{(f.Error is null ? "" : $" ({f.Error})")}  status {f.Status?.ToString(CultureInfo.InvariantCulture) ?? "-"}  {f.FinalUrl}");
            foreach (var attempt in f.Attempts)
            {
                o.WriteLine($"     try {attempt.Url}: {attempt.Outcome}");
                foreach (var hop in attempt.Hops) o.WriteLine($"       {hop.Status?.ToString(CultureInfo.InvariantCulture) ?? "---"} {hop.Url}{(hop.Location is null ? "" : " -> " + hop.Location)}{(hop.CrossDomain ? " [cross-domain]" : "")}");
            }
            if (f.Title is not null) o.WriteLine($"   title: {f.Title}");
            if (f.BodySha256 is not null) o.WriteLine($"   body: {f.BodyBytes} bytes{(f.Truncated ? " (truncated)" : "")}, {f.Charset}, sha256 {f.BodySha256}");
            if (f.Tls is { } t) o.WriteLine($"   tls: {t.Subject} issued by {t.Issuer}; {(t.ChainValid ? "valid" : "INVALID: " + string.Join(", ", t.ChainErrors))}{(t.SelfSigned ? ", self-signed" : "")}, until {t.NotAfter:yyyy-MM-dd}");
            if (f.Favicon is { } icon) o.WriteLine($"   favicon: {icon.Url} {icon.Outcome} {icon.Status?.ToString(CultureInfo.InvariantCulture)} icon_hash {icon.Mmh3?.ToString(CultureInfo.InvariantCulture) ?? "-"}");
            foreach (var p in f.Probes) o.WriteLine($"   probe {p.Path}: {p.Outcome} {p.Status?.ToString(CultureInfo.InvariantCulture)}");
        }
        if (r.Registration is { } reg)
        {
            o.WriteLine($"   registration ({reg.Source}, {reg.Outcome}): created {reg.Created:yyyy-MM-dd} registrar {reg.Registrar} (IANA {reg.RegistrarIanaId}) abuse {reg.AbuseEmail}{(reg.Error is null ? "" : " — " + reg.Error)}");
        }
        if (r.Verdict is { } v) VerdictText.Print(o, VerdictReport.From(v, r.Domain, r.Fetch?.FinalUrl, r.Fetch?.Title));
    }
}
