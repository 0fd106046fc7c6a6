using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using DomainScreen.Core.Api;
using DomainScreen.Core.Screening;
using DomainScreen.Core.Sweeps;
using DomainScreen.Local.Lab;

namespace DomainScreen.Local.Cli;

/// <summary>One row of the demo's table.</summary>
public sealed record DemoRow(string Domain, string Status, string Dns, string Fetch, string Band, int Score, string Products, string Categories,
    IReadOnlyList<string> Mismatches)
{
    public bool Matches => Mismatches.Count == 0;
}

/// <summary>Review cases after the sweep: how many were opened, how many wait for a reviewer, and their ids.</summary>
public sealed record DemoCases(int Opened, int Pending, IReadOnlyList<string> CaseIds);

/// <summary>With <c>--review auto</c>: approvals, actions dispatched to and applied or refused by the lab partner, cases actioned.</summary>
public sealed record DemoActions(int Approved, int Dispatched, int Applied, int Refused, int CasesActioned, int RpzEntries);

/// <summary>
/// The demo's totals: what <c>--json</c> prints on the last line. <c>SweepMs</c> is the sweep itself (from queueing
/// to the last result); <c>ElapsedMs</c> the whole command (starting the lab, Azurite and the runtime, and reading
/// the reports back as well).
/// </summary>
public sealed record DemoTotals(
    int Candidates, int Screened, int Failed, int Missing, int Mismatches, bool Complete, long ElapsedMs, long SweepMs,
    IReadOnlyDictionary<string, int> DnsStatus, IReadOnlyDictionary<string, int> Bands,
    long StorageTransactions, double TransactionsPerDomain, int FunctionExecutions, double ExecutionsPerDomain, DemoCases Cases,
    DemoActions? Actions = null, int? RpzEntries = null);

public sealed record DemoSummary(IReadOnlyList<DemoRow> Rows, DemoTotals Totals);

internal static class DemoReport
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static DemoSummary Summarise(IReadOnlyList<(LabSite Site, DomainReport? Report)> reports, SweepStatus status, TimeSpan elapsed, TimeSpan sweep,
        long transactions, DemoCases cases, DemoActions? actions = null)
    {
        var rows = reports.Select(r =>
        {
            var latest = r.Report?.Latest;
            var verdict = latest?.Verdict;
            return new DemoRow(r.Site.Domain, latest?.Status ?? "missing", latest?.Dns?.Status.ToString() ?? "-", latest?.Fetch?.Outcome ?? "-",
                verdict?.Band ?? "-", verdict?.Score ?? 0, string.Join(",", verdict?.Products.Select(p => p.Id) ?? []),
                string.Join(",", verdict?.Categories ?? []), r.Site.Expect?.Mismatches(latest) ?? []);
        }).ToList();
        var totals = new DemoTotals(
            rows.Count,
            rows.Count(r => r.Status == "completed"),
            rows.Count(r => r.Status == "failed"),
            rows.Count(r => r.Status == "missing"),
            rows.Count(r => !r.Matches),
            status.Done && rows.All(r => r.Status != "missing"),
            (long)elapsed.TotalMilliseconds,
            (long)sweep.TotalMilliseconds,
            rows.GroupBy(r => r.Dns).ToDictionary(g => g.Key, g => g.Count()),
            rows.GroupBy(r => r.Band).ToDictionary(g => g.Key, g => g.Count()),
            transactions,
            Math.Round(transactions / (double)Math.Max(1, rows.Count), 2),
            status.Batches,
            Math.Round(status.Batches / (double)Math.Max(1, rows.Count), 3),
            cases,
            actions,
            actions?.RpzEntries);
        return new DemoSummary(rows, totals);
    }

    public static void PrintTable(TextWriter output, DemoSummary summary)
    {
        output.WriteLine($"{"DOMAIN",-26} {"DNS",-8} {"FETCH",-18} {"BAND",-6} {"SCORE",5}  {"OK",-2} PRODUCTS / CATEGORIES");
        foreach (var row in summary.Rows)
        {
            var mark = row.Matches ? "✓" : "✗";
            var what = string.Join(" / ", new[] { row.Products, row.Categories }.Where(x => x.Length > 0));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{Clip(row.Domain, 26),-26} {row.Dns,-8} {row.Fetch,-18} {row.Band,-6} {row.Score,5}  {mark,-2} {Clip(what, 60)}"));
            foreach (var problem in row.Mismatches) output.WriteLine($"{"",28}✗ {problem}");
        }
        var t = summary.Totals;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{t.Candidates} candidates: {t.Screened} screened, {t.Failed} failed, {t.Missing} missing, {t.Mismatches} not as expected. " +
            $"The sweep took {t.SweepMs / 1000.0:0.0} s (queued to last result); the command {t.ElapsedMs / 1000.0:0.0} s in all (lab, Azurite and runtime start, reports). " +
            $"{t.TransactionsPerDomain} storage transactions and {t.ExecutionsPerDomain} function executions per domain."));
        if (t.Actions is { } a)
        {
            output.WriteLine($"Actions: {a.Approved} approved, {a.Dispatched} dispatched to the lab partner, {a.Applied} applied, {a.Refused} refused; " +
                $"{a.CasesActioned} cases actioned; {a.RpzEntries} RPZ entries.");
        }
        output.WriteLine($"Review cases: {t.Cases.Opened} opened, {t.Cases.Pending} pending ({string.Join(", ", t.Cases.CaseIds.Take(12))}{(t.Cases.CaseIds.Count > 12 ? ", …" : "")}).");
    }

    private static string Clip(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";
}
