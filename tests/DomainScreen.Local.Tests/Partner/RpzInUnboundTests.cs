using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using DnsClient;
using DomainScreen.Core;
using DomainScreen.Local.Cli;
using DomainScreen.Local.Tests.Support;

namespace DomainScreen.Local.Tests.Partner;

/// <summary>
/// The whole path to a real resolver: a lab site is screened, a reviewer approves blocking its registrable domain,
/// the action reaches the partner, the reference client applies and acknowledges it, the case is actioned, and the
/// RPZ export, loaded by Debian's unbound, makes the name and its subdomains NXDOMAIN while other lab names resolve.
/// </summary>
[Collection(LocalWorldCollection.Name)]
public sealed class RpzInUnboundTests(LocalWorldFixture world)
{
    [Fact]
    public async Task ApprovedBlock_IsEnforcedByUnbound()
    {
        Unbound.EnsureInstalled();
        const string target = "deepfake-maker.test";
        var submitted = await world.Http.PostAsync(new Uri("/api/submissions", UriKind.Relative), new StringContent(target + "\n", Encoding.UTF8, "text/plain"));
        var id = (await submitted.Content.ReadFromJsonAsync(CoreJson.Default.SubmissionAccepted))!.SubmissionId;
        await Eventually.Until(async () => (await world.Http.GetFromJsonAsync(new Uri($"/api/submissions/{id}", UriKind.Relative), CoreJson.Default.SubmissionStatus))!,
            s => s.Pending == 0, what: "the screening");
        var detail = (await world.Http.GetFromJsonAsync(new Uri("/api/cases/" + target, UriKind.Relative), CoreJson.Default.CaseDetail))!;
        using var approve = new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/cases/{target}/decision", UriKind.Relative))
        {
            Content = new StringContent("""{"decision":"approve","actions":["block"],"scope":"registrable-domain"}""", Encoding.UTF8, "application/json"),
        };
        approve.Headers.TryAddWithoutValidation("If-Match", detail.Etag);
        Assert.True((await world.Http.SendAsync(approve)).IsSuccessStatusCode);

        using var partner = ApiClient.For(world.BaseAddress.ToString(), LocalWorldFixture.PartnerKey);
        await Eventually.Until(async () => (await partner.GetAsync("api/partner/actions?status=pending", CancellationToken.None)).Body,
            body => body.Contains(target, StringComparison.Ordinal), what: "the action to reach the partner");
        var rpzClient = Path.Combine(Path.GetTempPath(), "ds-client-" + Guid.NewGuid().ToString("N")[..8] + ".rpz");
        using var log = new StringWriter();
        await PartnerCommand.PullAsync(partner, rpzClient, TimeProvider.System, log, CancellationToken.None);
        Assert.Contains("*." + target, await File.ReadAllTextAsync(rpzClient), StringComparison.Ordinal);
        var actioned = (await world.Http.GetFromJsonAsync(new Uri("/api/cases/" + target, UriKind.Relative), CoreJson.Default.CaseDetail))!;
        Assert.Equal("actioned", actioned.State);

        var export = await world.Http.GetStringAsync(new Uri("/api/exports/rpz", UriKind.Relative));
        await using var unbound = await Unbound.StartAsync(export, world.Lab.Dns.Port);
        var dns = new LookupClient(new LookupClientOptions(new IPEndPoint(IPAddress.Loopback, unbound.Port)) { UseCache = false, Retries = 0, Timeout = TimeSpan.FromSeconds(5) });

        Assert.Equal(DnsHeaderResponseCode.NotExistentDomain, (await dns.QueryAsync(target, QueryType.A)).Header.ResponseCode);
        Assert.Equal(DnsHeaderResponseCode.NotExistentDomain, (await dns.QueryAsync("www." + target, QueryType.A)).Header.ResponseCode);
        var open = await dns.QueryAsync("news-daily.test", QueryType.A);
        Assert.Equal(DnsHeaderResponseCode.NoError, open.Header.ResponseCode);
        Assert.Equal("127.0.0.1", Assert.Single(open.Answers.ARecords()).Address.ToString());
        File.Delete(rpzClient);
    }

    /// <summary>Debian's unbound on a loopback port as an unprivileged test resolver (settings from shared/notes/rpz-in-unbound.md).</summary>
    private sealed class Unbound : IAsyncDisposable
    {
        private const string Binary = "/usr/sbin/unbound";
        private readonly Process _process;
        private readonly string _dir;

        private Unbound(Process process, string dir, int port)
        {
            _process = process;
            _dir = dir;
            Port = port;
        }

        public int Port { get; }

        private static readonly Lock InstallGate = new();

        /// <summary>Installs Debian's unbound when it is missing (apt reaches the package mirror in CI).</summary>
        public static void EnsureInstalled()
        {
            lock (InstallGate)
            {
                if (File.Exists(Binary)) return;
                Run("apt-get", "update -qq");
                Run("apt-get", "install -y -qq --no-install-recommends unbound");
                Assert.True(File.Exists(Binary), "apt-get did not install unbound");
            }
        }

        private static void Run(string file, string args)
        {
            var start = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
            start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
            using var p = Process.Start(start)!;
            var error = p.StandardError.ReadToEndAsync();
            p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            Assert.True(p.ExitCode == 0, $"{file} {args} failed: {error.Result}");
        }

        public static async Task<Unbound> StartAsync(string rpz, int labDnsPort)
        {
            var dir = Directory.CreateTempSubdirectory("ds-unbound-").FullName;
            var port = DomainScreen.Local.Lab.FreePorts.Udp();
            await File.WriteAllTextAsync(Path.Combine(dir, "block.rpz"), rpz);
            var config = Path.Combine(dir, "unbound.conf");
            await File.WriteAllTextAsync(config, string.Create(CultureInfo.InvariantCulture, $"""
                server:
                  interface: 127.0.0.1@{port}
                  do-not-query-localhost: no
                  username: ""
                  chroot: ""
                  directory: "{dir}"
                  pidfile: "{dir}/unbound.pid"
                  logfile: "{dir}/unbound.log"
                  use-syslog: no
                  verbosity: 1
                  module-config: "respip validator iterator"
                  domain-insecure: "test"
                  local-zone: "test." nodefault
                remote-control:
                  control-enable: no
                stub-zone:
                  name: "test"
                  stub-addr: 127.0.0.1@{labDnsPort}
                rpz:
                  name: "rpz.domainscreen.invalid"
                  zonefile: "{dir}/block.rpz"
                """));
            using (var check = Process.Start(new ProcessStartInfo("/usr/sbin/unbound-checkconf", config) { RedirectStandardOutput = true, RedirectStandardError = true })!)
            {
                var output = await check.StandardOutput.ReadToEndAsync() + await check.StandardError.ReadToEndAsync();
                await check.WaitForExitAsync();
                Assert.True(check.ExitCode == 0, "unbound-checkconf: " + output);
            }
            var process = Process.Start(new ProcessStartInfo(Binary, ["-d", "-c", config]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var unbound = new Unbound(process, dir, port);
            var probe = new LookupClient(new LookupClientOptions(new IPEndPoint(IPAddress.Loopback, port)) { UseCache = false, Retries = 0, Timeout = TimeSpan.FromSeconds(1) });
            await Eventually.Until(async () =>
            {
                try
                {
                    return !(await probe.QueryAsync("news-daily.test", QueryType.A)).HasError;
                }
                catch (DnsResponseException)
                {
                    return process.HasExited;
                }
            }, ready => ready, TimeSpan.FromSeconds(30), $"unbound to answer ({dir}/unbound.log)");
            Assert.False(process.HasExited, await File.ReadAllTextAsync(Path.Combine(dir, "unbound.log")));
            return unbound;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }
            _process.Dispose();
            Directory.Delete(_dir, recursive: true);
        }
    }
}
