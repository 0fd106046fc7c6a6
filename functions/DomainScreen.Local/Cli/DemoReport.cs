using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using DomainScreen.Core.Api;
using DomainScreen.Core.Sweeps;
using DomainScreen.Local.Lab;

namespace DomainScreen.Local.Cli;

/// <summary>One row of the demo's table.</summary>
public sealed record DemoRow(string Domain, string Status, string Dns, string Fetch, string Title, string Expected, bool Matches);

/// <summary>The demo's totals: what <c>--json</c> prints on the last line.</summary>
public sealed record DemoTotals(
    int Candidates, int Screened, int Failed, int Missing, int Mismatches, bool Complete, long ElapsedMs, IReadOnlyDictionary<string, int> DnsStatus);

public sealed record DemoSummary(IReadOnlyList<DemoRow> Rows, DemoTotals Totals);

internal static class DemoReport
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static DemoSummary Summarise(IReadOnlyList<(LabSite Site, DomainReport? Report)> reports, SweepStatus status, TimeSpan elapsed)
    {
        var rows = reports.Select(r =>
        {
            var latest = r.Report?.Latest;
            var dns = latest?.Dns?.Status.ToString() ?? "-";
            var fetch = latest?.Fetch?.Outcome ?? "-";
            var expect = r.Site.Expect;
            var matches = (expect?.Dns is null || string.Equals(expect.Dns, dns, StringComparison.OrdinalIgnoreCase))
                && (expect?.Fetch is null || expect.Fetch == fetch);
            var expected = string.Join('/', new[] { expect?.Dns, expect?.Fetch }.Where(e => e is not null));
            return new DemoRow(r.Site.Domain, latest?.Status ?? "missing", dns, fetch, latest?.Fetch?.Title ?? "", expected, matches);
        }).ToList();
        var totals = new DemoTotals(
            rows.Count,
            rows.Count(r => r.Status == "completed"),
            rows.Count(r => r.Status == "failed"),
            rows.Count(r => r.Status == "missing"),
            rows.Count(r => !r.Matches),
            status.Done && rows.All(r => r.Status != "missing"),
            (long)elapsed.TotalMilliseconds,
            rows.GroupBy(r => r.Dns).ToDictionary(g => g.Key, g => g.Count()));
        return new DemoSummary(rows, totals);
    }

    public static void PrintTable(TextWriter output, DemoSummary summary)
    {
        output.WriteLine($"{"DOMAIN",-24} {"STATUS",-9} {"DNS",-8} {"FETCH",-18} {"OK",-2} TITLE");
        foreach (var row in summary.Rows)
        {
            var mark = row.Matches ? "✓" : "✗";
            output.WriteLine($"{Clip(row.Domain, 24),-24} {row.Status,-9} {row.Dns,-8} {row.Fetch,-18} {mark,-2} {Clip(row.Title, 36)}");
        }
        var t = summary.Totals;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{t.Screened} screened, {t.Failed} failed, {t.Missing} missing, {t.Mismatches} not as expected, in {t.ElapsedMs / 1000.0:0.0} s"));
    }

    private static string Clip(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";
}
