using Microsoft.Extensions.Hosting;

namespace DomainScreen.Core.Storage;

/// <summary>Creates the storage resources when a host starts, so the first request does not pay for it.</summary>
internal sealed class StorageBootstrap(StorageClients clients) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => clients.EnsureCreatedAsync().WaitAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
