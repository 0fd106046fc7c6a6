using System.CommandLine;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using DomainScreen.Core;
using DomainScreen.Core.Actions;
using DomainScreen.Core.Api;
using DomainScreen.Local.Partner;

namespace DomainScreen.Local.Cli;

/// <summary>
/// <c>domainscreen partner pull --url &lt;api&gt; --key &lt;partner key&gt; --rpz &lt;file&gt;</c>: the reference partner
/// client. It fetches the partner's pending actions, verifies each signed message against the published keys,
/// refuses (and says why) anything unknown, tampered, expired or not for it, applies block and unblock to an RPZ
/// zone file, and acknowledges each action. A partner's engineer should read this first.
/// </summary>
internal static class PartnerCommand
{
    public static Command Create()
    {
        var rpz = new Option<FileInfo>("--rpz") { Description = "The RPZ zone file to maintain (created if missing).", Required = true };
        var pull = new Command("pull", "Fetch, verify, apply and acknowledge this partner's pending actions.") { rpz, ApiClient.UrlOption, ApiClient.KeyOption, ApiClient.JsonOption };
        pull.SetAction((parse, ct) => ApiClient.RunAsync(parse, Roles.Partner, async client =>
        {
            var summary = await PullAsync(client, parse.GetValue(rpz)!.FullName, TimeProvider.System, Console.Out, ct).ConfigureAwait(false);
            if (parse.GetValue(ApiClient.JsonOption)) Console.WriteLine(JsonSerializer.Serialize(summary, DemoReport.Json));
            return summary.Errors == 0 ? 0 : 1;
        }));
        var command = new Command("partner", "The reference partner client.");
        command.Subcommands.Add(pull);
        return command;
    }

    /// <summary>What one pull did.</summary>
    public sealed record PullSummary(int Applied, int Refused, int Skipped, int Errors, int RpzEntries);

    public static async Task<PullSummary> PullAsync(ApiClient client, string rpzPath, TimeProvider time, TextWriter log, CancellationToken cancellationToken)
    {
        // 1. The keys that may sign our messages.
        var keysAnswer = await client.GetAsync("api/partner/keys", cancellationToken).ConfigureAwait(false);
        if (!keysAnswer.Ok) throw new ApiUnreachableException("cannot read the signing keys: " + keysAnswer.Problem());
        var keys = JsonSerializer.Deserialize(keysAnswer.Body, CoreJson.Default.JsonWebKeySet)!;

        // 2. Every pending action, page by page.
        var pending = new List<PartnerActionView>();
        string? token = null;
        do
        {
            var page = await client.GetAsync("api/partner/actions?status=pending" + (token is null ? "" : "&continuationToken=" + ApiClient.Encode(token)), cancellationToken)
                .ConfigureAwait(false);
            if (!page.Ok) throw new ApiUnreachableException("cannot list actions: " + page.Problem());
            var parsed = JsonSerializer.Deserialize(page.Body, CoreJson.Default.PartnerActionPage)!;
            pending.AddRange(parsed.Actions);
            token = parsed.ContinuationToken;
        }
        while (token is not null);

        // 3. Verify, apply, acknowledge.
        var zone = RpzZoneFile.Load(rpzPath);
        int applied = 0, refused = 0, skipped = 0, errors = 0;
        var toAck = new List<(string ActionId, string Status, string Note)>();
        foreach (var action in pending)
        {
            var (message, refusal) = Check(action, keys, time.GetUtcNow());
            if (message is null)
            {
                toAck.Add((action.ActionId, ActionStates.Refused, refusal!));
                log.WriteLine($"refused {action.ActionId}: {refusal}");
                continue;
            }
            switch (message.Kind)
            {
                case ActionVerbs.Block:
                    zone.Block(message.Hosts, message.Scope == "registrable-domain", message.ActionId);
                    toAck.Add((action.ActionId, ActionStates.Applied, $"blocked in RPZ: {string.Join(", ", message.Hosts)}"));
                    break;
                case ActionVerbs.Unblock:
                    zone.Unblock(message.Hosts);
                    toAck.Add((action.ActionId, ActionStates.Applied, $"unblocked in RPZ: {string.Join(", ", message.Hosts)}"));
                    break;
                default:
                    // A DNS operator cannot cancel a registration: left pending for the partner's registry system.
                    skipped++;
                    log.WriteLine($"skipped {action.ActionId}: {message.Kind} {message.Domain} is not applied by an RPZ client");
                    break;
            }
        }
        // The zone is written before anything is acknowledged applied, so an "applied" is never ahead of the file.
        if (toAck.Any(a => a.Status == ActionStates.Applied)) zone.Save(time.GetUtcNow());
        foreach (var (actionId, status, note) in toAck)
        {
            var body = new JsonObject { ["status"] = status, ["note"] = note }.ToJsonString();
            var answer = await client.SendAsync(HttpMethod.Post, $"api/partner/actions/{actionId}/ack", body, null, cancellationToken).ConfigureAwait(false);
            if (!answer.Ok)
            {
                errors++;
                log.WriteLine($"error acknowledging {actionId}: {answer.Problem()}");
                continue;
            }
            if (status == ActionStates.Applied) applied++;
            else refused++;
            if (status == ActionStates.Applied) log.WriteLine($"applied {actionId}: {note}");
        }
        log.WriteLine($"{applied} applied, {refused} refused, {skipped} skipped, {errors} errors; {zone.Entries.Count} RPZ entries, serial {zone.Serial}");
        return new PullSummary(applied, refused, skipped, errors, zone.Entries.Count);
    }

    /// <summary>The checks a partner makes before acting: signature and key, payload shape, the action id, expiry.</summary>
    public static (ActionMessage? Message, string? Refusal) Check(PartnerActionView action, JsonWebKeySet keys, DateTimeOffset now)
    {
        var (payload, refusal) = Jws.Verify(action.Jws, keys);
        if (payload is null) return (null, refusal);
        ActionMessage? message;
        try
        {
            message = JsonSerializer.Deserialize(payload, CoreJson.Default.ActionMessage);
        }
        catch (JsonException ex)
        {
            return (null, "payload is not an action message: " + ex.Message);
        }
        if (message is not { V: 1 }) return (null, "unsupported message version");
        if (message.ActionId != action.ActionId) return (null, $"the signed action id {message.ActionId} is not {action.ActionId}");
        if (message.ExpiresAt <= now) return (null, $"expired at {message.ExpiresAt:u}");
        if (message.Hosts.Count == 0) return (null, "no names in the message");
        return (message, null);
    }
}
