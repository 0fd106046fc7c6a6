using DomainScreen.Core.Dns;
using Microsoft.Extensions.Options;

namespace DomainScreen.Benchmarks;

/// <summary>`dns &lt;server&gt; &lt;name&gt;`: which questions make DnsClient raise exceptions internally (profiling aid).</summary>
public static class DnsProbe
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = new DnsOptions { TimeoutMs = 1000, Retries = 0 };
        options.Servers.Add(args[0]);
        var resolver = new DnsClientResolver(Options.Create(options));
        var thrown = new List<string>();
        AppDomain.CurrentDomain.FirstChanceException += (_, e) => { lock (thrown) thrown.Add(e.Exception.GetType().Name + ": " + e.Exception.Message); };
        foreach (var name in args[1..])
        {
            foreach (var type in Enum.GetValues<DnsRecordType>())
            {
                lock (thrown) thrown.Clear();
                var answer = await resolver.QueryAsync(name, type, CancellationToken.None);
                lock (thrown) Console.WriteLine($"{name} {type}: {answer.Outcome} {answer.ResponseCode}; exceptions: {string.Join(" | ", thrown.Take(3))}");
            }
        }
        return 0;
    }
}
