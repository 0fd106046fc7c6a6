namespace DomainScreen.Core.Screening;

/// <summary>When a domain was last screened by a sweep, changed or not (<see cref="Sweeps.SweepStore"/> keeps it).</summary>
public interface IDomainCheckLog
{
    Task<DomainCheck?> LastCheckedAsync(string domain, CancellationToken cancellationToken);
}

/// <param name="At">When the batch that screened it finished.</param>
/// <param name="RunId">The sweep.</param>
/// <param name="RequestId">The batch.</param>
public sealed record DomainCheck(DateTimeOffset At, string RunId, string RequestId);
