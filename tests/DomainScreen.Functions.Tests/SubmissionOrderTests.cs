using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;
using DomainScreen.Core;
using DomainScreen.Core.Screening;
using DomainScreen.Core.Tests.Dns;
using DomainScreen.Functions.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static DomainScreen.Functions.Tests.Support.FunctionsHarness;

namespace DomainScreen.Functions.Tests;

/// <summary>
/// A submission records each message's rows, then sends that message (so screens start while a long list is still
/// being recorded), and makes itself visible last — seen in the order the requests reach storage.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class SubmissionOrderTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Submit_WritesEachMessagesRowsBeforeSendingIt_AndTheMetaRowAfterEveryMessage()
    {
        var log = new ConcurrentQueue<(string Kind, string[] Names)>();
        await using var harness = new FunctionsHarness(azurite, new FakeDnsResolver(), null, s => s.AddSingleton<HttpPipelinePolicy>(new Recorder(log)));
        await harness.InitializeAsync();
        string[] input = ["g1.test", "c1.test", "a1.test", "f1.test", "b1.test", "e1.test", "d1.test"];

        var (status, body, _) = await harness.Http("POST", "/api/submissions", string.Join('\n', input), "text/plain", AnalystKey);

        Assert.Equal(202, status);
        var events = log.ToList();
        var sends = events.Select((e, i) => (e, i)).Where(x => x.e.Kind == "send").ToList();
        Assert.Equal(3, sends.Count); // 7 names, 3 per message
        foreach (var (send, at) in sends)
        {
            foreach (var name in send.Names)
            {
                Assert.Contains(events.Take(at), e => e.Kind == "rows" && e.Names.Contains(name));
            }
        }
        var meta = events.FindIndex(e => e.Kind == "meta");
        Assert.True(meta > sends.Max(s => s.i), string.Join(" ", events.Select(e => e.Kind)));
        var accepted = JsonSerializer.Deserialize(body, CoreJson.Default.SubmissionAccepted)!;
        Assert.Equal(input.Length, accepted.Accepted.Count);
    }

    /// <summary>Records row transactions on <c>Submissions</c> (the names in them), priority-queue sends and the meta row.</summary>
    private sealed class Recorder(ConcurrentQueue<(string Kind, string[] Names)> log) : HttpPipelinePolicy
    {
        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            Record(message);
            ProcessNext(message, pipeline);
        }

        public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            Record(message);
            return ProcessNextAsync(message, pipeline);
        }

        private void Record(HttpMessage message)
        {
            var uri = message.Request.Uri.ToString();
            var text = Body(message);
            if (uri.Contains("/messages", StringComparison.Ordinal) && message.Request.Method == RequestMethod.Post && uri.Contains("priority-", StringComparison.Ordinal))
            {
                var encoded = text.Split("<MessageText>")[1].Split("</MessageText>")[0];
                var request = ScreenBatchProcessor.Read(Encoding.UTF8.GetString(Convert.FromBase64String(encoded)));
                log.Enqueue(("send", [.. request.Domains]));
            }
            else if (uri.Contains("$batch", StringComparison.Ordinal) && text.Contains("d|", StringComparison.Ordinal))
            {
                var names = text.Split("RowKey='d%7C").Skip(1).Select(part => Uri.UnescapeDataString(part.Split('\'')[0])).ToArray();
                if (names.Length == 0) names = text.Split("\"RowKey\":\"d|").Skip(1).Select(part => part.Split('"')[0]).ToArray();
                log.Enqueue(("rows", names));
            }
            else if (uri.Contains("RowKey='meta'", StringComparison.Ordinal) && message.Request.Method == RequestMethod.Put)
            {
                log.Enqueue(("meta", []));
            }
        }

        private static string Body(HttpMessage message)
        {
            if (message.Request.Content is null) return "";
            using var stream = new MemoryStream();
            message.Request.Content.WriteTo(stream, CancellationToken.None);
            return Encoding.UTF8.GetString(stream.ToArray());
        }
    }
}
