using System.Globalization;
using System.Text.Json;
using Azure.Storage.Queues;
using Microsoft.Azure.WebJobs.Host;
using Microsoft.Extensions.Configuration;

namespace DomainScreen.Local.Hosting;

/// <summary>
/// Applies the root host.json's <c>extensions.queues</c> to the WebJobs SDK, so the local runtime polls, batches
/// and poisons messages exactly as the Functions host does. Settings named
/// <c>AzureFunctionsJobHost:extensions:queues:*</c> override the file, as they do in Azure.
/// </summary>
public static class HostJsonQueues
{
    public static void Apply(QueuesOptions options, IConfiguration configuration)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var path = Path.Combine(AppContext.BaseDirectory, "host.json");
        if (File.Exists(path))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
            if (doc.RootElement.TryGetProperty("extensions", out var ext) && ext.TryGetProperty("queues", out var queues))
            {
                foreach (var p in queues.EnumerateObject()) values[p.Name] = p.Value.ToString();
            }
        }
        foreach (var child in configuration.GetSection("AzureFunctionsJobHost:extensions:queues").GetChildren())
        {
            if (child.Value is not null) values[child.Key] = child.Value;
        }
        foreach (var (name, value) in values)
        {
            switch (name.ToLowerInvariant())
            {
                case "batchsize": options.BatchSize = Int(value); break;
                case "newbatchthreshold": options.NewBatchThreshold = Int(value); break;
                case "maxdequeuecount": options.MaxDequeueCount = Int(value); break;
                case "visibilitytimeout": options.VisibilityTimeout = TimeSpan.Parse(value, CultureInfo.InvariantCulture); break;
                case "maxpollinginterval": options.MaxPollingInterval = TimeSpan.Parse(value, CultureInfo.InvariantCulture); break;
                case "messageencoding":
                    options.MessageEncoding = value.Equals("none", StringComparison.OrdinalIgnoreCase)
                        ? QueueMessageEncoding.None : QueueMessageEncoding.Base64;
                    break;
            }
        }
    }

    private static int Int(string value) => int.Parse(value, CultureInfo.InvariantCulture);
}
