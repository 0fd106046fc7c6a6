using Microsoft.Extensions.Options;

namespace DomainScreen.Core.Screening;

/// <summary>
/// The process-wide limit on screens in flight (<see cref="ScreeningOptions.MaxConcurrentScreens"/>), shared by every
/// message being handled: messages are taken from the queues generously so that one slow host does not idle the
/// others, and this keeps their screens together within bounds.
/// </summary>
public sealed class ScreenSlots(IOptions<ScreeningOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.Value.MaxConcurrentScreens, options.Value.MaxConcurrentScreens);

    public Task WaitAsync(CancellationToken cancellationToken) => _slots.WaitAsync(cancellationToken);

    public void Release() => _slots.Release();

    public void Dispose() => _slots.Dispose();
}
