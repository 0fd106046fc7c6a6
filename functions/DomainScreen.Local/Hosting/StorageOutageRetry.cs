using Azure.Core;

namespace DomainScreen.Local.Hosting;

/// <summary>
/// How the WebJobs host's own storage clients (the queue listeners') retry: long enough to ride out a storage restart of
/// about a minute, since a listener request that fails every retry ends the host.
/// </summary>
public static class StorageOutageRetry
{
    public const int MaxRetries = 10;
    public static readonly TimeSpan Delay = TimeSpan.FromSeconds(0.5), MaxDelay = TimeSpan.FromSeconds(8);

    public static void Apply(RetryOptions retry)
    {
        retry.Mode = RetryMode.Exponential;
        retry.MaxRetries = MaxRetries;
        retry.Delay = Delay;
        retry.MaxDelay = MaxDelay;
    }
}
