namespace DomainScreen.Core.Screening;

/// <summary>A screened queue message: the request and every result, already stored.</summary>
public sealed record ScreenedBatch(ScreenRequest Request, IReadOnlyList<ScreeningResult> Results);

/// <summary>
/// Something that acts on screening results (submission progress, sweep progress, review cases, …). Screening hands
/// every batch to every registered consumer and knows none of them: a new consumer is a new class registered in
/// <see cref="ServiceCollectionExtensions.AddDomainScreening"/>. A consumer must be idempotent (a message can be
/// delivered twice) and throw only when the message should be retried.
/// </summary>
public interface IScreeningResultConsumer
{
    Task ConsumeAsync(ScreenedBatch batch, CancellationToken cancellationToken);
}
