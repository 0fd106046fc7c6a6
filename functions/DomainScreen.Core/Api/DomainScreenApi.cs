using System.Reflection;
using DomainScreen.Core.Domains;
using DomainScreen.Core.Screening;
using DomainScreen.Core.Storage;
using DomainScreen.Core.Submissions;
using DomainScreen.Core.Sweeps;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DomainScreen.Core.Api;

/// <summary>
/// The HTTP API's behaviour, host-neutral: each method authorises the caller, does the work and returns an
/// <see cref="ApiResult"/>. The Functions trigger classes and the local ASP.NET Core routes only translate.
/// </summary>
public sealed class DomainScreenApi(
    CallerAuthenticator authenticator,
    DomainParser parser,
    SubmissionService submissionService,
    SubmissionStore submissions,
    ResultStore results,
    SweepService sweepService,
    SweepStore sweeps,
    StorageClients storage,
    TimeProvider time,
    IOptions<ScreeningOptions> screening,
    ILogger<DomainScreenApi> logger)
{
    private static readonly string Version =
        typeof(DomainScreenApi).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0";

    /// <summary>POST /api/submissions.</summary>
    public async Task<ApiResult> SubmitAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        if (Authorize(request, Roles.CanSubmit, out var caller) is { } denied) return denied;
        var max = submissionService.Options.MaxBodyBytes;
        if (request.ContentLength > max) return TooLarge(max);
        var body = new BoundedBuffer(max);
        await body.FillAsync(request.Body, cancellationToken).ConfigureAwait(false);
        if (body.Exceeded) return TooLarge(max);
        try
        {
            var (accepted, parsed) = await submissionService.SubmitAsync(body.Bytes, request.ContentType, caller!.Name, cancellationToken)
                .ConfigureAwait(false);
            if (accepted is null)
            {
                return ApiResult.Of(400, new ApiError("no-valid-domains",
                    parsed.Lines == 0 ? "The submission is empty." : "No line of the submission is a valid domain name.",
                    parsed.Errors), CoreJson.Default.ApiError);
            }
            return ApiResult.Of(202, accepted, CoreJson.Default.SubmissionAccepted,
                new Dictionary<string, string> { ["Location"] = accepted.StatusUrl });
        }
        catch (SubmissionFormatException ex)
        {
            return ApiResult.Error(ex.Status, ex.Code, ex.Message);
        }
    }

    /// <summary>GET /api/submissions/{id}.</summary>
    public async Task<ApiResult> GetSubmissionAsync(ApiRequest request, string id, CancellationToken cancellationToken)
    {
        if (Authorize(request, Roles.CanRead, out _) is { } denied) return denied;
        if (!IsKey(id)) return ApiResult.Error(400, "invalid-id", "Not a submission id.");
        var status = await submissions.GetAsync(id, cancellationToken).ConfigureAwait(false);
        return status is null
            ? ApiResult.Error(404, "not-found", $"No submission {id}.")
            : ApiResult.Of(200, status, CoreJson.Default.SubmissionStatus);
    }

    /// <summary>GET /api/domains/{domain}: accepts any form the parser does (Unicode, URL-encoded, with a dot).</summary>
    public async Task<ApiResult> GetDomainAsync(ApiRequest request, string domain, CancellationToken cancellationToken)
    {
        if (Authorize(request, Roles.CanRead, out _) is { } denied) return denied;
        var parsed = parser.TryParse(Uri.UnescapeDataString(domain));
        if (parsed.Name is not { } name) return ApiResult.Error(400, parsed.Error!.CodeName, parsed.Error.Message);
        var latestTask = results.GetLatestAsync(name.Ascii, cancellationToken);
        var history = await results.GetHistoryAsync(name.Ascii, screening.Value.HistoryLimit, cancellationToken).ConfigureAwait(false);
        var latest = await latestTask.ConfigureAwait(false);
        if (latest is null) return ApiResult.Error(404, "not-screened", $"{name.Ascii} has not been screened.");
        return ApiResult.Of(200, new DomainReport(name.Ascii, name.Unicode, name.RegistrableDomain, latest, history), CoreJson.Default.DomainReport);
    }

    /// <summary>POST /api/sweeps: start a sweep over the candidate list now.</summary>
    public async Task<ApiResult> StartSweepAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        if (Authorize(request, Roles.CanOperate, out var caller) is { } denied) return denied;
        var status = await sweepService.StartManualAsync(cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Sweep {SweepId} started by {Caller}", status?.SweepId, caller!.Name);
        return ApiResult.Of(202, status!, CoreJson.Default.SweepStatus,
            new Dictionary<string, string> { ["Location"] = $"/api/sweeps/{status!.SweepId}" });
    }

    /// <summary>GET /api/sweeps/{id}.</summary>
    public async Task<ApiResult> GetSweepAsync(ApiRequest request, string id, CancellationToken cancellationToken)
    {
        if (Authorize(request, Roles.CanRead, out _) is { } denied) return denied;
        if (!IsKey(id)) return ApiResult.Error(400, "invalid-id", "Not a sweep id.");
        var status = await sweeps.GetAsync(id, cancellationToken).ConfigureAwait(false);
        return status is null ? ApiResult.Error(404, "not-found", $"No sweep {id}.") : ApiResult.Of(200, status, CoreJson.Default.SweepStatus);
    }

    /// <summary>GET /api/health: anonymous; checks storage answers.</summary>
    public async Task<ApiResult> HealthAsync(CancellationToken cancellationToken)
    {
        var checks = new Dictionary<string, string>();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await storage.PriorityQueue.GetPropertiesAsync(timeout.Token).ConfigureAwait(false);
            checks["storage"] = "ok";
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or OperationCanceledException or AggregateException)
        {
            checks["storage"] = "unreachable: " + ex.Message.Split('\n')[0];
        }
        var healthy = checks.Values.All(v => v == "ok");
        return ApiResult.Of(healthy ? 200 : 503, new HealthReport(healthy ? "healthy" : "degraded", Version, time.GetUtcNow(), checks),
            CoreJson.Default.HealthReport);
    }

    private ApiResult? Authorize(ApiRequest request, string[] roles, out Caller? caller)
    {
        caller = authenticator.Authenticate(request.Header);
        if (caller is null) return ApiResult.Error(401, "unauthenticated", "Sign in, or send an API key in 'Authorization: Bearer <key>'.");
        return caller.IsInAny(roles) ? null : ApiResult.Error(403, "forbidden", $"This needs one of the roles: {string.Join(", ", roles)}.");
    }

    private static ApiResult TooLarge(int max) =>
        ApiResult.Error(413, "body-too-large", $"The body is larger than {max} bytes; split the list.");

    private static bool IsKey(string id) =>
        id.Length is > 1 and <= 80 && id.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');
}
