using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace DomainScreen.Core.Storage;

/// <summary>Reading our own queue messages: what cannot be read becomes the caller's "never succeeds" exception, with the reason.</summary>
internal static class QueueMessageJson
{
    /// <summary>
    /// The message as <typeparamref name="T"/>; a message that is not JSON, not valid Unicode (a lone surrogate in its
    /// text) or <c>null</c> throws <paramref name="invalid"/>'s exception naming <paramref name="what"/> it should have been.
    /// </summary>
    public static T Read<T>(string message, JsonTypeInfo<T> type, string what, Func<string, Exception> invalid) where T : class
    {
        T? value;
        try
        {
            value = JsonSerializer.Deserialize(message, type);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
        {
            throw invalid($"message is not {what}: {ex.Message.Split('\n')[0]}");
        }
        return value ?? throw invalid("message is empty or null");
    }
}
