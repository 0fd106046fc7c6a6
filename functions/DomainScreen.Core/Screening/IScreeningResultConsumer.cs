namespace DomainScreen.Core.Screening;

/// <summary>
/// A screened queue message: the request, every result (already stored), and the names that could not be read. A result
/// no consumer asked to see whole (<see cref="IScreeningResultConsumer.NeedsWhole"/>) comes abridged
/// (<see cref="ScreeningResult.Abridged"/>); its stored copy is whole.
/// </summary>
/// <param name="Unchanged">
/// Domains whose result has the digest the sweep queued them with (<see cref="ScreenRequest.Known"/>): their stored result
/// already says this, so it was not written again and consumers that keep per-domain history need not add to it.
/// </param>
public sealed record ScreenedBatch(ScreenRequest Request, IReadOnlyList<ScreeningResult> Results, IReadOnlyList<RejectedName>? Rejected = null,
    IReadOnlySet<string>? Unchanged = null)
{
    public bool IsUnchanged(ScreeningResult result) => Unchanged?.Contains(result.Domain) == true;
}

/// <summary>A name in a message that is not a domain name, with the parser's reason code.</summary>
public sealed record RejectedName(string Input, string Reason);

/// <summary>
/// Something that acts on screening results (submission progress, sweep progress, review cases, …). Screening hands
/// every batch to every registered consumer and knows none of them: a new consumer is a new class registered in
/// <see cref="ServiceCollectionExtensions.AddDomainScreening"/>. A consumer must be idempotent (a message can be
/// delivered twice) and throw only when the message should be retried.
/// </summary>
public interface IScreeningResultConsumer
{
    Task ConsumeAsync(ScreenedBatch batch, CancellationToken cancellationToken);

    /// <summary>
    /// Whether this consumer will read more of <paramref name="result"/> than its abridged form
    /// (<see cref="ScreeningResult.Abridged"/>); unchanged results (<see cref="ScreenedBatch.Unchanged"/>) always come
    /// abridged. Asked as each changed screen ends, seconds before the batch is handed over: a
    /// consumer whose answer may change meanwhile must cope with an abridged result (read the stored one). A batch holds
    /// every other result abridged while its slowest screen runs, so memory follows how many names are in flight at
    /// about a kilobyte each rather than 3–9 KB.
    /// </summary>
    bool NeedsWhole(ScreeningResult result) => false;
}
