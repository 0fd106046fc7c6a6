namespace DomainScreen.Local.Tests.Support;

/// <summary>
/// Waits for a condition produced by another component (a queue trigger) with a deadline. This polls for a
/// state; no test asserts on elapsed time.
/// </summary>
public static class Eventually
{
    public static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan? timeout = null, string? what = null)
    {
        var deadline = TimeProvider.System.GetUtcNow() + (timeout ?? TimeSpan.FromSeconds(60));
        T last;
        while (true)
        {
            last = await probe();
            if (done(last)) return last;
            if (TimeProvider.System.GetUtcNow() > deadline) throw new TimeoutException($"gave up waiting for {what ?? "the condition"}; last: {last}");
            await Task.Delay(100);
        }
    }
}
