using Azure.Data.Tables;

namespace DomainScreen.Core.Storage;

/// <summary>
/// Tells a write whose answer was lost from a real conflict. The storage client retries a request whose answer did not
/// arrive (a timeout, a dropped connection); when the first attempt had landed, the retry of a conditional write fails
/// on the change it made itself: 412 for an update with an ETag, 409 for an insert. Read as a conflict, that loses work
/// that did happen — a 100k sweep stopped queueing for good at 88,000 names, and a reviewer's decision, a case opening
/// or a keyed audit record would go unrecorded or unaudited. The test is the stored row: when it holds exactly what
/// this write sent (every property, byte for byte), the write landed.
/// </summary>
internal static class LostAnswers
{
    /// <summary>
    /// Inserts the row: true when the stored row is this insert (also when its answer was lost), false when another
    /// writer's row was there first.
    /// </summary>
    public static async Task<bool> TryAddAsync(this TableClient table, TableEntity entity, CancellationToken cancellationToken)
    {
        try
        {
            await table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 409)
        {
            return await table.StoredAsWrittenAsync(entity, cancellationToken).ConfigureAwait(false) is not null;
        }
    }

    /// <summary>
    /// Replaces the row if it still has <paramref name="etag"/>: its new ETag (also when the answer was lost), or null
    /// when another writer changed it first.
    /// </summary>
    public static async Task<Azure.ETag?> TryReplaceAsync(this TableClient table, TableEntity entity, Azure.ETag etag, CancellationToken cancellationToken)
    {
        try
        {
            var response = await table.UpdateEntityAsync(entity, etag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            return response.Headers.ETag ?? default;
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 412)
        {
            return (await table.StoredAsWrittenAsync(entity, cancellationToken).ConfigureAwait(false))?.ETag;
        }
    }

    /// <summary>The stored entity when it holds exactly what <paramref name="written"/> holds, otherwise null.</summary>
    public static async Task<TableEntity?> StoredAsWrittenAsync(this TableClient table, TableEntity written, CancellationToken cancellationToken)
    {
        var found = await table.GetEntityIfExistsAsync<TableEntity>(written.PartitionKey, written.RowKey, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return found.HasValue && SameContent(written, found.Value!) ? found.Value : null;
    }

    /// <summary>
    /// Whether a refused transaction is one that landed earlier (its lost answer retried): every insert and every
    /// conditional update in it is stored exactly as written. A transaction is all or nothing, so those rows being
    /// there means all of it is.
    /// </summary>
    public static async Task<bool> LandedAsync(this TableClient table, IEnumerable<TableTransactionAction> actions, CancellationToken cancellationToken)
    {
        var checkedAny = false;
        foreach (var action in actions)
        {
            var conditional = action.ActionType is TableTransactionActionType.Add
                || (action.ActionType is TableTransactionActionType.UpdateReplace or TableTransactionActionType.UpdateMerge && action.ETag != Azure.ETag.All);
            if (!conditional) continue;
            if (action.Entity is not TableEntity written || await table.StoredAsWrittenAsync(written, cancellationToken).ConfigureAwait(false) is null)
            {
                return false;
            }
            checkedAny = true;
        }
        return checkedAny;
    }

    /// <summary>Every property of <paramref name="written"/> (a missing one counts as null) has the same value in <paramref name="stored"/>.</summary>
    internal static bool SameContent(TableEntity written, TableEntity stored)
    {
        if (written.PartitionKey != stored.PartitionKey || written.RowKey != stored.RowKey) return false;
        foreach (var (key, value) in written)
        {
            if (key is "PartitionKey" or "RowKey" or "Timestamp" or "odata.etag") continue;
            if (!Same(value, stored.TryGetValue(key, out var have) ? have : null)) return false;
        }
        return true;
    }

    private static bool Same(object? written, object? stored) => (written, stored) switch
    {
        (null, null) => true,
        (null, _) or (_, null) => false,
        (byte[] or BinaryData, byte[] or BinaryData) => Bytes(written).SequenceEqual(Bytes(stored)),
        (DateTimeOffset a, DateTimeOffset b) => a == b, // the same instant; the service hands it back in UTC
        _ => written.Equals(stored),
    };

    private static ReadOnlySpan<byte> Bytes(object value) => value is byte[] bytes ? bytes : ((BinaryData)value).ToMemory().Span;
}
