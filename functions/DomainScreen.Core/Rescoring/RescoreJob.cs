using Azure.Data.Tables;
using DomainScreen.Core.Fingerprints;
using DomainScreen.Core.Scoring;
using DomainScreen.Core.Screening;
using DomainScreen.Core.Storage;
using Microsoft.Extensions.Logging;

namespace DomainScreen.Core.Rescoring;

/// <summary>
/// The nightly re-score after a catalog or policy update: when the live catalog and policy versions differ from the
/// last re-scored pair, every stored result is re-scored from its evidence; a changed verdict is stored as a new
/// history entry (request <c>rescore-…</c>, source <c>rescore</c>) and handed to the screening consumers, so an old
/// domain that a new signature now flags opens a case the next morning without being fetched again.
/// </summary>
public sealed class RescoreJob(Rescorer rescorer, CatalogProvider catalogs, StorageClients storage, ResultStore results,
    IEnumerable<IScreeningResultConsumer> consumers, TimeProvider time, ILogger<RescoreJob> logger)
{
    /// <summary>00:30 China Standard Time, before the nightly sweep's results are read in the morning.</summary>
    public const string Schedule = "0 30 16 * * *";

    public const string Source = "rescore";

    private const string MarkerPartition = "rescore", MarkerRow = "last";

    public Task<RescoreReport?> RunAsync(CancellationToken cancellationToken)
    {
        var (catalog, policy) = catalogs.Current;
        return RunAsync(catalog, policy, cancellationToken);
    }

    /// <summary>Re-scores with <paramref name="catalog"/> and <paramref name="policy"/> unless that pair was the last one re-scored (then null).</summary>
    public async Task<RescoreReport?> RunAsync(CompiledCatalog catalog, ScoringPolicy policy, CancellationToken cancellationToken)
    {
        var key = $"{catalog.Version}|{policy.Version}";
        var marker = await storage.Sweeps.GetEntityIfExistsAsync<TableEntity>(MarkerPartition, MarkerRow, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (marker.HasValue && marker.Value!.GetString("Key") == key)
        {
            logger.LogInformation("Re-score: catalog {Catalog} and policy {Policy} already applied to stored results", catalog.Version, policy.Version);
            return null;
        }
        var now = time.GetUtcNow();
        var requestId = $"rescore-{now.UtcTicks}";
        var request = new ScreenRequest(1, requestId, Source, requestId, [], now);
        var report = await rescorer.RunAsync(catalog, policy, 100, async (_, after) =>
        {
            var stored = after with { RequestId = requestId, Source = Source, RunId = requestId };
            await results.SaveAsync(stored, now, cancellationToken).ConfigureAwait(false);
            var batch = new ScreenedBatch(request with { Domains = [stored.Domain] }, [stored]);
            foreach (var consumer in consumers) await consumer.ConsumeAsync(batch, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        await storage.Sweeps.UpsertEntityAsync(new TableEntity(MarkerPartition, MarkerRow)
        {
            ["Key"] = key,
            ["At"] = now,
            ["Rescored"] = report.Rescored,
            ["Changed"] = report.Changed,
            ["Opened"] = report.WouldOpen,
        }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Re-score with catalog {Catalog}, policy {Policy}: {Rescored} results re-scored, {Changed} changed, {Opened} newly flagged",
            catalog.Version, policy.Version, report.Rescored, report.Changed, report.WouldOpen);
        return report;
    }
}
