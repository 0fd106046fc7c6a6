using DomainScreen.Core.Screening;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DomainScreen.Core.Submissions;

/// <summary>Accepts an analyst's list: parse, record, queue on <c>screen-priority</c>.</summary>
public sealed class SubmissionService(
    SubmissionParser parser,
    SubmissionStore store,
    ScreenRequestSender queue,
    TimeProvider time,
    Fingerprints.CatalogProvider catalogs,
    IOptions<SubmissionOptions> options,
    ILogger<SubmissionService> logger)
{
    public SubmissionOptions Options => options.Value;

    /// <summary>
    /// Parses and queues a body already read within <see cref="SubmissionOptions.MaxBodyBytes"/>. Returns null
    /// (with the parse) when nothing was valid; throws <see cref="SubmissionFormatException"/> for unreadable bodies.
    /// </summary>
    public async Task<(SubmissionAccepted? Accepted, ParsedSubmission Parsed)> SubmitAsync(
        ReadOnlyMemory<byte> body, string? contentType, string? submittedBy, CancellationToken cancellationToken)
    {
        var parsed = parser.Parse(body.Span, contentType, options.Value.MaxLines);
        if (parsed.Accepted.Count == 0) return (null, parsed);

        var now = time.GetUtcNow();
        var id = "s" + Guid.CreateVersion7(now).ToString("N");
        var domains = parsed.Accepted.Select(d => d.Ascii).ToArray();
        await store.CreateAsync(id, now, submittedBy, domains, parsed.Errors, cancellationToken).ConfigureAwait(false);
        var messages = await queue.EnqueueAsync(ScreenRequest.SubmissionSource, id, domains, priority: true, cancellationToken)
            .ConfigureAwait(false);
        logger.LogInformation("Submission {SubmissionId}: {Accepted} accepted, {Errors} rejected, {Messages} messages queued",
            id, domains.Length, parsed.Errors.Count, messages);
        var names = catalogs.Current.Catalog.Names;
        static Domains.NameMarks? Marked(Domains.NameMarks marks) => marks.Any ? marks with { Skeleton = null } : null;
        var accepted = new SubmissionAccepted(id, domains.Length, parsed.Duplicates,
            parsed.Accepted.Select(d => new AcceptedDomain(d.Ascii, d.Unicode, Marked(names.Inspect(d)))).ToArray(), parsed.Errors, $"/api/submissions/{id}");
        return (accepted, parsed);
    }
}
