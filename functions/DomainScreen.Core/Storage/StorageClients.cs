using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;

namespace DomainScreen.Core.Storage;

/// <summary>
/// The three storage service clients, created once (they are thread-safe and pool connections). Queue clients
/// use Base64 message encoding, which is what the queue trigger expects by default.
/// </summary>
public sealed class StorageClients
{
    private readonly Lazy<Task> _created;

    /// <param name="observers">Extra pipeline policies for every client (tests register one to record the requests sent).</param>
    public StorageClients(IOptions<StorageOptions> options, IEnumerable<HttpPipelinePolicy>? observers = null)
    {
        var o = options.Value;
        var queueOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        var tableOptions = new TableClientOptions();
        var blobOptions = new BlobClientOptions();
        queueOptions.AddPolicy(Requests.QueuePolicy, HttpPipelinePosition.PerRetry);
        tableOptions.AddPolicy(Requests.TablePolicy, HttpPipelinePosition.PerRetry);
        blobOptions.AddPolicy(Requests.BlobPolicy, HttpPipelinePosition.PerRetry);
        foreach (var observer in observers ?? [])
        {
            queueOptions.AddPolicy(observer, HttpPipelinePosition.PerRetry);
            tableOptions.AddPolicy(observer, HttpPipelinePosition.PerRetry);
            blobOptions.AddPolicy(observer, HttpPipelinePosition.PerRetry);
        }
        if (o.UsesConnectionString)
        {
            Tables = new TableServiceClient(o.ConnectionString, tableOptions);
            Queues = new QueueServiceClient(o.ConnectionString, queueOptions);
            Blobs = new BlobServiceClient(o.ConnectionString, blobOptions);
        }
        else
        {
            TokenCredential credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions
            {
                ManagedIdentityClientId = string.IsNullOrWhiteSpace(o.ClientId) ? null : o.ClientId,
            });
            Tables = new TableServiceClient(o.TableServiceUri!, credential, tableOptions);
            Queues = new QueueServiceClient(o.QueueServiceUri!, credential, queueOptions);
            Blobs = new BlobServiceClient(o.BlobServiceUri!, credential, blobOptions);
        }
        SweepQueue = Queues.GetQueueClient(o.SweepQueue);
        PriorityQueue = Queues.GetQueueClient(o.PriorityQueue);
        Submissions = Tables.GetTableClient(o.TablePrefix + StorageNames.SubmissionsTable);
        Results = Tables.GetTableClient(o.TablePrefix + StorageNames.ResultsTable);
        Candidates = Tables.GetTableClient(o.TablePrefix + StorageNames.CandidatesTable);
        Sweeps = Tables.GetTableClient(o.TablePrefix + StorageNames.SweepsTable);
        Registrations = Tables.GetTableClient(o.TablePrefix + StorageNames.RegistrationsTable);
        Cases = Tables.GetTableClient(o.TablePrefix + StorageNames.CasesTable);
        Audit = Tables.GetTableClient(o.TablePrefix + StorageNames.AuditTable);
        Allowlist = Tables.GetTableClient(o.TablePrefix + StorageNames.AllowlistTable);
        Partners = Tables.GetTableClient(o.TablePrefix + StorageNames.PartnersTable);
        Actions = Tables.GetTableClient(o.TablePrefix + StorageNames.ActionsTable);
        Feeds = Tables.GetTableClient(o.TablePrefix + StorageNames.FeedsTable);
        CtLogs = Tables.GetTableClient(o.TablePrefix + StorageNames.CtLogsTable);
        ActionsQueue = Queues.GetQueueClient(o.ActionsQueue);
        SweepStartQueue = Queues.GetQueueClient(o.SweepStartQueue);
        Cache = Blobs.GetBlobContainerClient(StorageNames.CacheContainer);
        Evidence = Blobs.GetBlobContainerClient(StorageNames.EvidenceContainer);
        _created = new Lazy<Task>(CreateAllAsync, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Requests sent by these clients, per service.</summary>
    public StorageRequestCounter Requests { get; } = new();

    public TableServiceClient Tables { get; }
    public QueueServiceClient Queues { get; }
    public BlobServiceClient Blobs { get; }
    public QueueClient SweepQueue { get; }
    public QueueClient PriorityQueue { get; }
    public TableClient Submissions { get; }
    public TableClient Results { get; }
    public TableClient Candidates { get; }
    public TableClient Sweeps { get; }
    public TableClient Registrations { get; }
    public TableClient Cases { get; }

    /// <summary>The append-only audit trail; only <see cref="Audit.AuditLog"/> writes to it, and only inserts.</summary>
    public TableClient Audit { get; }
    public TableClient Allowlist { get; }
    public TableClient Partners { get; }
    public TableClient Actions { get; }
    public TableClient Feeds { get; }
    public TableClient CtLogs { get; }
    public QueueClient ActionsQueue { get; }

    /// <summary><c>sweep-starts</c>: a sweep's queueing runs from here, not inside the request or timer that asked for it.</summary>
    public QueueClient SweepStartQueue { get; }

    /// <summary>
    /// The poison queues of the queues this app listens to (<c>screen-requests</c>, <c>screen-priority</c>,
    /// <c>actions</c>, <c>sweep-starts</c>): where a message ends after every retry failed. Created with the rest;
    /// counted by <c>GET /api/health</c>.
    /// </summary>
    public IReadOnlyList<QueueClient> PoisonQueues =>
        [.. new[] { SweepQueue, PriorityQueue, ActionsQueue, SweepStartQueue }.Select(q => Queues.GetQueueClient(StorageNames.PoisonQueue(q.Name)))];

    /// <summary>The queue of one partner (<c>partner-&lt;id&gt;</c>).</summary>
    public QueueClient PartnerQueue(string partnerId) => Queues.GetQueueClient(StorageNames.PartnerQueue(partnerId));
    public BlobContainerClient Cache { get; }
    public BlobContainerClient Evidence { get; }

    /// <summary>Creates every table, queue and container once per process; later calls return the same task.</summary>
    public Task EnsureCreatedAsync() => _created.Value;

    /// <summary>Creates every table, queue and container that is missing now (storage that came back empty).</summary>
    public Task RecreateAsync() => CreateAllAsync();

    private async Task CreateAllAsync()
    {
        await Task.WhenAll(
            Submissions.CreateIfNotExistsAsync(),
            Results.CreateIfNotExistsAsync(),
            Candidates.CreateIfNotExistsAsync(),
            Sweeps.CreateIfNotExistsAsync(),
            Registrations.CreateIfNotExistsAsync(),
            Cases.CreateIfNotExistsAsync(),
            Audit.CreateIfNotExistsAsync(),
            Allowlist.CreateIfNotExistsAsync(),
            Partners.CreateIfNotExistsAsync(),
            Actions.CreateIfNotExistsAsync(),
            Feeds.CreateIfNotExistsAsync(),
            CtLogs.CreateIfNotExistsAsync(),
            ActionsQueue.CreateIfNotExistsAsync(),
            Cache.CreateIfNotExistsAsync(),
            SweepQueue.CreateIfNotExistsAsync(),
            PriorityQueue.CreateIfNotExistsAsync(),
            SweepStartQueue.CreateIfNotExistsAsync(),
            Evidence.CreateIfNotExistsAsync()).ConfigureAwait(false);
        await Task.WhenAll(PoisonQueues.Select(q => q.CreateIfNotExistsAsync())).ConfigureAwait(false);
    }
}
