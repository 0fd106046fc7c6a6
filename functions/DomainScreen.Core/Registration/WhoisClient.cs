using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using DomainScreen.Core.Dns;
using DomainScreen.Core.Fetching;
using Microsoft.Extensions.Options;

namespace DomainScreen.Core.Registration;

/// <summary>
/// Port-43 WHOIS (RFC 3912) for TLDs without RDAP: one query, a bounded read, and the common creation-date and
/// registrar fields (ICANN's format, CNNIC's <c>Registration Time</c>/<c>Sponsoring Registrar</c>, and others).
/// The server's address passes the same guard as every fetch.
/// </summary>
public sealed partial class WhoisClient(IDnsResolver resolver, IOptions<RegistrationOptions> options, IOptions<FetchOptions> fetch, TimeProvider time)
{
    private const int MaxBytes = 64 * 1024;

    public async Task<RegistrationEvidence> LookupAsync(string domain, string server, CancellationToken cancellationToken)
    {
        var (host, port) = SplitServer(server);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.Value.TimeoutSeconds));
        try
        {
            var address = await AddressAsync(host, timeout.Token).ConfigureAwait(false);
            using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(new IPEndPoint(address, port), timeout.Token).ConfigureAwait(false);
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            await stream.WriteAsync(Encoding.ASCII.GetBytes(domain + "\r\n"), timeout.Token).ConfigureAwait(false);
            var buffer = new byte[MaxBytes];
            var length = 0;
            int read;
            while (length < MaxBytes && (read = await stream.ReadAsync(buffer.AsMemory(length), timeout.Token).ConfigureAwait(false)) > 0) length += read;
            var text = System.Text.Unicode.Utf8.IsValid(buffer.AsSpan(0, length))
                ? Encoding.UTF8.GetString(buffer, 0, length)
                : Encoding.Latin1.GetString(buffer, 0, length);
            return Parse(domain, server, text, time.GetUtcNow());
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Failed(domain, server, RegistrationOutcomes.Timeout, "no WHOIS answer within the timeout");
        }
        catch (Exception ex) when (ex is SocketException or IOException or FetchConnectException)
        {
            return Failed(domain, server, RegistrationOutcomes.Error, ex.Message);
        }
    }

    /// <summary>Reads the fields most WHOIS servers use; a "no match" answer is <c>not-found</c>.</summary>
    public static RegistrationEvidence Parse(string domain, string server, string text, DateTimeOffset fetchedAt)
    {
        if (NoMatch().IsMatch(text)) return Failed(domain, server, RegistrationOutcomes.NotFound, "the WHOIS server has no record", fetchedAt);
        string? Field(Regex pattern) => pattern.Match(text) is { Success: true } m ? m.Groups[1].Value.Trim() : null;
        return new RegistrationEvidence
        {
            Domain = domain,
            Source = "whois",
            Outcome = RegistrationOutcomes.Found,
            Server = server,
            Created = Date(Field(Created())),
            Expires = Date(Field(Expires())),
            Updated = Date(Field(Updated())),
            Registrar = Field(Registrar()),
            RegistrarIanaId = Field(IanaId()),
            AbuseEmail = Field(AbuseEmail()),
            AbusePhone = Field(AbusePhone()),
            Statuses = StatusLine().Matches(text).Select(m => m.Groups[1].Value.Trim().Split(' ')[0]).Distinct().Take(20).ToArray(),
            NameServers = NameServer().Matches(text).Select(m => m.Groups[1].Value.Trim().ToLowerInvariant().TrimEnd('.')).Distinct().Take(20).ToArray(),
            FetchedAt = fetchedAt,
        };
    }

    private async Task<IPAddress> AddressAsync(string host, CancellationToken cancellationToken)
    {
        var allowLoopback = fetch.Value.AllowLoopback;
        if (IPAddress.TryParse(host, out var literal))
        {
            return AddressGuard.Check(literal, allowLoopback) is { } why ? throw new FetchConnectException(FetchOutcomes.BlockedAddress, why) : literal;
        }
        var answer = await resolver.QueryAsync(host, DnsRecordType.A, cancellationToken).ConfigureAwait(false);
        var addresses = answer.OfType(DnsRecordType.A).Select(r => IPAddress.Parse(r.Value)).ToList();
        return addresses.FirstOrDefault(a => AddressGuard.IsAllowed(a, allowLoopback))
            ?? throw new FetchConnectException(FetchOutcomes.BlockedAddress, $"WHOIS server {host} has no allowed address");
    }

    private static (string Host, int Port) SplitServer(string server)
    {
        var colon = server.LastIndexOf(':');
        return colon > 0 && int.TryParse(server.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            ? (server[..colon], port)
            : (server, 43);
    }

    private RegistrationEvidence Failed(string domain, string server, string outcome, string error) => Failed(domain, server, outcome, error, time.GetUtcNow());

    private static RegistrationEvidence Failed(string domain, string server, string outcome, string error, DateTimeOffset at) =>
        new() { Domain = domain, Source = "whois", Outcome = outcome, Server = server, Error = error, FetchedAt = at };

    private static DateTimeOffset? Date(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        value = value.Replace(" (UTC)", "", StringComparison.Ordinal).Replace(" UTC", "Z", StringComparison.Ordinal).Trim();
        string[] formats = ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd", "dd-MMM-yyyy", "yyyy.MM.dd", "yyyy/MM/dd"];
        if (DateTimeOffset.TryParseExact(value, formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var exact)) return exact;
        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var loose) ? loose : null;
    }

    private const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.Multiline | RegexOptions.NonBacktracking;

    [GeneratedRegex(@"^\s*(?:Creation Date|Created(?: On| Date)?|Registration Time|Registered(?: On)?|Domain Registration Date|created|注册时间)\s*[:：]\s*(.+?)\s*$", Options, 2000)]
    private static partial Regex Created();

    [GeneratedRegex(@"^\s*(?:Registry Expiry Date|Registrar Registration Expiration Date|Expir(?:y|ation) (?:Date|Time)|Expires(?: On)?|paid-till|过期时间|到期时间)\s*[:：]\s*(.+?)\s*$", Options, 2000)]
    private static partial Regex Expires();

    [GeneratedRegex(@"^\s*(?:Updated Date|Last Updated(?: On)?|Last Modified|changed)\s*[:：]\s*(.+?)\s*$", Options, 2000)]
    private static partial Regex Updated();

    [GeneratedRegex(@"^\s*(?:Registrar|Sponsoring Registrar|Registrar Name|注册商)\s*[:：]\s*(.+?)\s*$", Options, 2000)]
    private static partial Regex Registrar();

    [GeneratedRegex(@"^\s*Registrar IANA ID\s*:\s*(\d+)", Options, 2000)]
    private static partial Regex IanaId();

    [GeneratedRegex(@"^\s*Registrar Abuse Contact Email\s*:\s*(\S+)", Options, 2000)]
    private static partial Regex AbuseEmail();

    [GeneratedRegex(@"^\s*Registrar Abuse Contact Phone\s*:\s*(\S+)", Options, 2000)]
    private static partial Regex AbusePhone();

    [GeneratedRegex(@"^\s*(?:Domain Status|Status)\s*:\s*(\S.*?)\s*$", Options, 2000)]
    private static partial Regex StatusLine();

    [GeneratedRegex(@"^\s*(?:Name Server|nserver|Nameservers?)\s*:\s*(\S+)", Options, 2000)]
    private static partial Regex NameServer();

    [GeneratedRegex(@"^\s*(?:No match for|NOT FOUND|No Data Found|No entries found|Domain not found|The queried object does not exist)", Options, 2000)]
    private static partial Regex NoMatch();
}
