using Azure.Core;
using Azure.Core.Pipeline;

namespace DomainScreen.Functions.Tests.Support;

/// <summary>
/// Holds every transaction ($batch) that writes to one table until the test releases it, and remembers the most held
/// at once: how many such writes a process has open against storage at the same time.
/// </summary>
public sealed class HoldingPolicy(string table) : HttpPipelinePolicy
{
    private readonly List<TaskCompletionSource> _held = [];

    public int MaxHeld { get; private set; }

    /// <summary>Every write seen, held or let through, with the table's part of its body.</summary>
    public List<string> Seen { get; } = [];

    public int Held
    {
        get { lock (_held) return _held.Count; }
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        if (WritesTable(message))
        {
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var target = CountingPolicy.Target(message);
            lock (_held)
            {
                Seen.Add(target);
                _held.Add(gate);
                MaxHeld = Math.Max(MaxHeld, _held.Count);
            }
            await gate.Task;
        }
        await ProcessNextAsync(message, pipeline);
    }

    /// <summary>Lets every write held now go on.</summary>
    public void ReleaseAll()
    {
        lock (_held)
        {
            foreach (var gate in _held) gate.TrySetResult();
            _held.Clear();
        }
    }

    private bool WritesTable(HttpMessage message) =>
        message.Request.Method != RequestMethod.Get && message.Request.Uri.Path.Contains("$batch", StringComparison.Ordinal)
        && CountingPolicy.Target(message).Contains(table, StringComparison.Ordinal);
}
