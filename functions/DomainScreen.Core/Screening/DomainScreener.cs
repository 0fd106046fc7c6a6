using System.Diagnostics;
using DomainScreen.Core.Dns;
using DomainScreen.Core.Domains;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DomainScreen.Core.Screening;

/// <summary>
/// Screens one domain through the pipeline stages. A failure inside a stage becomes a <c>failed</c> result with
/// its reason (data, so nothing vanishes); only cancellation escapes.
/// </summary>
public sealed class DomainScreener(
    DnsEvidenceCollector dns,
    TimeProvider time,
    IOptions<ScreeningOptions> options,
    ILogger<DomainScreener> logger)
{
    private readonly TimeSpan _timeout = TimeSpan.FromSeconds(options.Value.DomainTimeoutSeconds);

    public async Task<ScreeningResult> ScreenAsync(DomainName name, ScreenRequest request, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(_timeout);
        var result = new ScreeningResult(name.Ascii, name.Unicode, name.RegistrableDomain, ScreeningStages.Dns,
            ScreeningResult.Completed, null, time.GetUtcNow(), 0, request.RequestId, request.Source, request.RunId, null);
        try
        {
            var evidence = await dns.CollectAsync(name, budget.Token).ConfigureAwait(false);
            result = result with { Dns = evidence };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            result = result with { Status = ScreeningResult.Failed, Error = $"screening exceeded its {_timeout.TotalSeconds:0} s budget" };
        }
#pragma warning disable CA1031 // One domain's unexpected failure is recorded as its result, not allowed to sink the batch.
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            logger.LogWarning(ex, "Screening {Domain} failed", name.Ascii);
            result = result with { Status = ScreeningResult.Failed, Error = $"{ex.GetType().Name}: {ex.Message}" };
        }
        return result with { DurationMs = (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds };
    }
}
