using System.Globalization;

namespace DomainScreen.Local.Hosting;

/// <summary>
/// What <c>serve</c> tells its user about the Azurite it started with data on disk: warnings as the table store nears
/// the most Azurite can save (<see cref="AzuriteProcess.DiskStoreLimitBytes"/>), and why serve stops when Azurite does.
/// </summary>
public static class AzuriteCapacity
{
    /// <summary>
    /// Table-store bytes one screened domain adds, measured: a 10,000-name submission left 68 MB (results, submission
    /// rows, digests and the cases it opened; docs/benchmarks.md, "Thirteenth session"). Used only to say roughly how
    /// many more domains fit.
    /// </summary>
    public const int BytesPerDomain = 7_000;

    /// <summary>Shares of the limit at which serve warns, once each.</summary>
    private static readonly int[] Levels = [50, 75, 90];

    private const string Way = "For more, point AzureWebJobsStorage at an Azure Storage account, or run `serve --memory-storage` "
        + "(Azurite keeps its data in memory: no such limit, but nothing survives serve stopping).";

    /// <summary>
    /// A warning when <paramref name="bytes"/> has passed a level not warned about yet (<paramref name="warned"/> is the
    /// highest level already warned about, updated); null otherwise.
    /// </summary>
    public static string? Warning(long bytes, ref int warned)
    {
        var share = (int)(100 * bytes / AzuriteProcess.DiskStoreLimitBytes);
        var level = Levels.LastOrDefault(l => l <= share);
        if (level <= warned) return null;
        warned = level;
        var left = Math.Max(0, AzuriteProcess.DiskStoreLimitBytes - bytes) / BytesPerDomain;
        var size = string.Create(CultureInfo.InvariantCulture,
            $"{bytes / 1_000_000} MB, {share} % of the ≈ {AzuriteProcess.DiskStoreLimitBytes / 1_000_000} MB it can save (≈ {left:N0} more screened domains)");
        return $"warning: Azurite's table store on disk is {size}; past it Azurite stops. {Way}";
    }

    /// <summary>What serve prints when the Azurite it started stops while serve runs.</summary>
    public static string Stopped(int exitCode, long tableStoreBytes, IReadOnlyList<string> lastOutput, string? location)
    {
        var full = tableStoreBytes >= AzuriteProcess.DiskStoreLimitBytes * 9 / 10
            || lastOutput.Any(l => l.Contains("Invalid string length", StringComparison.Ordinal));
        var lines = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture, $"error: Azurite (the local storage emulator serve started) stopped with exit code {exitCode}; ")
                + "nothing can be stored or queued without it, so serve stops too.",
        };
        if (full)
        {
            var sizes = string.Create(CultureInfo.InvariantCulture,
                $"Its table store had reached {tableStoreBytes / 1_000_000} MB on disk: Azurite saves each store as one JSON string and cannot save more than ≈ {AzuriteProcess.DiskStoreLimitBytes / 1_000_000} MB");
            lines.Add($"{sizes}, so it stopped. What it saved last is in {location}; started on it again it will stop at its next save. {Way}");
        }
        var tail = lastOutput.Where(l => !string.IsNullOrWhiteSpace(l)).TakeLast(8).ToList();
        if (tail.Count > 0) lines.Add("Azurite's last output:\n  " + string.Join("\n  ", tail));
        return string.Join('\n', lines);
    }
}
