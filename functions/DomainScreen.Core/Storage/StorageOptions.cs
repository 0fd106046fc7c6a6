namespace DomainScreen.Core.Storage;

/// <summary>
/// Where tables, queues and blobs live. Read from the same settings the Functions host uses for its own storage
/// (<c>AzureWebJobsStorage</c> by default), so one setting serves both: either a connection string
/// (<c>UseDevelopmentStorage=true</c> for Azurite) or identity-based service URIs
/// (<c>AzureWebJobsStorage__queueServiceUri</c>, <c>__tableServiceUri</c>, <c>__blobServiceUri</c>, and
/// <c>__clientId</c> for a user-assigned identity) used with <c>DefaultAzureCredential</c>.
/// </summary>
public sealed class StorageOptions
{
    /// <summary>Name of the connection setting to read. Setting <c>Storage:Connection</c>; default <c>AzureWebJobsStorage</c>.</summary>
    public string Connection { get; set; } = "AzureWebJobsStorage";

    public string? ConnectionString { get; set; }
    public Uri? BlobServiceUri { get; set; }
    public Uri? QueueServiceUri { get; set; }
    public Uri? TableServiceUri { get; set; }

    /// <summary>Client id of a user-assigned managed identity; empty uses the default credential chain.</summary>
    public string? ClientId { get; set; }

    /// <summary>Queue holding sweep batches. Default <c>screen-requests</c>.</summary>
    public string SweepQueue { get; set; } = StorageNames.SweepQueue;

    /// <summary>Queue holding ad-hoc submissions. Default <c>screen-priority</c>.</summary>
    public string PriorityQueue { get; set; } = StorageNames.PriorityQueue;

    /// <summary>Queue of partner actions to dispatch. Default <c>actions</c>.</summary>
    public string ActionsQueue { get; set; } = StorageNames.ActionsQueue;

    /// <summary>Queue of sweep starts (the queueing of a sweep's batches). Default <c>sweep-starts</c>.</summary>
    public string SweepStartQueue { get; set; } = StorageNames.SweepStartQueue;

    /// <summary>
    /// Prepended to every table name (letters and digits), so several environments or test runs can share one account.
    /// Default empty.
    /// </summary>
    public string TablePrefix { get; set; } = "";

    public bool UsesConnectionString => !string.IsNullOrWhiteSpace(ConnectionString);

    /// <summary>Returns the problems with these settings, empty when usable.</summary>
    public IEnumerable<string> Validate()
    {
        if (TablePrefix.Length > 20 || !TablePrefix.All(char.IsAsciiLetterOrDigit) || (TablePrefix.Length > 0 && !char.IsAsciiLetter(TablePrefix[0])))
        {
            yield return $"Storage__TablePrefix='{TablePrefix}' must be up to 20 letters and digits, starting with a letter.";
        }
        if (UsesConnectionString) yield break;
        if (BlobServiceUri is null || QueueServiceUri is null || TableServiceUri is null)
        {
            yield return $"Storage is not configured: set '{Connection}' to a connection string, or set " +
                $"'{Connection}__blobServiceUri', '{Connection}__queueServiceUri' and '{Connection}__tableServiceUri'.";
        }
    }
}

/// <summary>Names of the tables, queues and containers the service owns.</summary>
public static class StorageNames
{
    public const string SweepQueue = "screen-requests";
    public const string PriorityQueue = "screen-priority";
    public const string SubmissionsTable = "Submissions";
    public const string ResultsTable = "ScreeningResults";
    public const string CandidatesTable = "Candidates";
    public const string SweepsTable = "Sweeps";
    public const string RegistrationsTable = "Registrations";
    public const string CasesTable = "Cases";
    public const string AuditTable = "Audit";
    public const string AllowlistTable = "Allowlist";
    public const string PartnersTable = "Partners";
    public const string ActionsTable = "Actions";
    public const string FeedsTable = "Feeds";
    public const string CtLogsTable = "CtLogs";
    public const string ActionsQueue = "actions";

    /// <summary>Requests to queue a sweep's batches (one message per sweep; a redelivery resumes from the sweep's cursor).</summary>
    public const string SweepStartQueue = "sweep-starts";

    /// <summary>A partner's own queue, carrying its signed action messages.</summary>
    public static string PartnerQueue(string partnerId) => "partner-" + partnerId;
    public const string CacheContainer = "cache";
    public const string EvidenceContainer = "evidence";

    /// <summary>The queue the Functions host moves a message to after too many failed attempts.</summary>
    public static string PoisonQueue(string queue) => queue + "-poison";
}
