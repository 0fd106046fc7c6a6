using System.Text.Json;
using Azure.Data.Tables;
using DomainScreen.Core.Storage;

namespace DomainScreen.Core.Actions;

/// <summary>Partners in the <c>Partners</c> table (partition <c>partner</c>, row = partner id, the partner as JSON).</summary>
public sealed class PartnerStore(StorageClients storage)
{
    private const string Partition = "partner";

    public async Task<IReadOnlyList<Partner>> ListAsync(CancellationToken cancellationToken)
    {
        var list = new List<Partner>();
        await foreach (var e in storage.Partners.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"), cancellationToken: cancellationToken)
            .ConfigureAwait(false))
        {
            list.Add(Read(e));
        }
        return list;
    }

    public async Task<Partner?> GetAsync(string partnerId, CancellationToken cancellationToken)
    {
        var response = await storage.Partners.GetEntityIfExistsAsync<TableEntity>(Partition, partnerId, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue ? Read(response.Value!) : null;
    }

    /// <summary>Stores the partner and creates its queue <c>partner-&lt;id&gt;</c> (Bicep creates it in Azure too; this is idempotent).</summary>
    public async Task PutAsync(Partner partner, CancellationToken cancellationToken)
    {
        await storage.PartnerQueue(partner.PartnerId).CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await storage.Partners.UpsertEntityAsync(new TableEntity(Partition, partner.PartnerId)
        {
            ["Json"] = JsonSerializer.Serialize(partner, CoreJson.Default.Partner),
        }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> DeleteAsync(string partnerId, CancellationToken cancellationToken)
    {
        var response = await storage.Partners.DeleteEntityAsync(Partition, partnerId, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.Status != 404;
    }

    private static Partner Read(TableEntity e) => JsonSerializer.Deserialize(e.GetString("Json")!, CoreJson.Default.Partner)!;

    /// <summary>A partner id: 2–40 lower-case letters, digits and single hyphens (it names the queue <c>partner-&lt;id&gt;</c>).</summary>
    public static bool IsValidId(string id) =>
        id.Length is >= 2 and <= 40 && id.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
        && id[0] != '-' && id[^1] != '-' && !id.Contains("--", StringComparison.Ordinal);
}
