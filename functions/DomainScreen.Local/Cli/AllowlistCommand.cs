using System.CommandLine;
using System.Text.Json.Nodes;
using DomainScreen.Core.Api;

namespace DomainScreen.Local.Cli;

/// <summary><c>domainscreen allowlist list|show|add|remove</c> and <c>domainscreen audit</c>, against a running serve or --url.</summary>
internal static class AllowlistCommand
{
    public static Command Create()
    {
        var command = new Command("allowlist", "The reviewers' allowlist: names never flagged above watch and never made a case.");
        var top = new Option<int>("--top") { Description = "Entries per page.", DefaultValueFactory = _ => 100 };
        var list = new Command("list", "Every entry.") { top, ApiClient.UrlOption, ApiClient.KeyOption, ApiClient.JsonOption };
        list.SetAction((parse, ct) => ApiClient.RunAsync(parse, Roles.Reviewer, async client =>
        {
            string? token = null;
            do
            {
                var answer = await client.GetAsync($"api/allowlist?top={parse.GetValue(top)}" + (token is null ? "" : "&continuationToken=" + ApiClient.Encode(token)), ct)
                    .ConfigureAwait(false);
                if (!answer.Ok) return ApiClient.Fail(answer);
                if (parse.GetValue(ApiClient.JsonOption)) Console.WriteLine(answer.Body);
                else foreach (var e in answer.Json.GetProperty("entries").EnumerateArray()) Console.WriteLine(Line(e));
                token = answer.Json.TryGetProperty("continuationToken", out var t) ? t.GetString() : null;
            }
            while (token is not null);
            return 0;
        }));

        var domain = new Argument<string>("domain") { Description = "The name (it covers every name under it)." };
        var show = new Command("show", "One entry.") { domain, ApiClient.UrlOption, ApiClient.KeyOption, ApiClient.JsonOption };
        show.SetAction((parse, ct) => ApiClient.RunAsync(parse, Roles.Reviewer, async client =>
        {
            var answer = await client.GetAsync("api/allowlist/" + ApiClient.Encode(parse.GetValue(domain)!), ct).ConfigureAwait(false);
            if (!answer.Ok) return ApiClient.Fail(answer);
            Console.WriteLine(parse.GetValue(ApiClient.JsonOption) ? answer.Body : Line(answer.Json));
            return 0;
        }));

        var reason = new Option<string>("--reason") { Description = "Why the name is trusted.", Required = true };
        var until = new Option<string?>("--until") { Description = "The entry expires then (ISO 8601)." };
        var add = new Command("add", "Add or replace an entry (admin).") { domain, reason, until, ApiClient.UrlOption, ApiClient.KeyOption, ApiClient.JsonOption };
        add.SetAction((parse, ct) => ApiClient.RunAsync(parse, Roles.Admin, async client =>
        {
            var body = new JsonObject { ["reason"] = parse.GetValue(reason) };
            if (parse.GetValue(until) is { } u) body["until"] = u;
            var answer = await client.SendAsync(HttpMethod.Put, "api/allowlist/" + ApiClient.Encode(parse.GetValue(domain)!), body.ToJsonString(), null, ct).ConfigureAwait(false);
            if (!answer.Ok) return ApiClient.Fail(answer);
            Console.WriteLine(parse.GetValue(ApiClient.JsonOption) ? answer.Body : "Added: " + Line(answer.Json));
            return 0;
        }));

        var remove = new Command("remove", "Remove an entry (admin).") { domain, ApiClient.UrlOption, ApiClient.KeyOption };
        remove.SetAction((parse, ct) => ApiClient.RunAsync(parse, Roles.Admin, async client =>
        {
            var answer = await client.SendAsync(HttpMethod.Delete, "api/allowlist/" + ApiClient.Encode(parse.GetValue(domain)!), null, null, ct).ConfigureAwait(false);
            if (!answer.Ok) return ApiClient.Fail(answer);
            Console.WriteLine($"Removed {parse.GetValue(domain)}.");
            return 0;
        }));
        command.Subcommands.Add(list);
        command.Subcommands.Add(show);
        command.Subcommands.Add(add);
        command.Subcommands.Add(remove);
        return command;
    }

    /// <summary><c>domainscreen audit [--case] [--actor] [--since]</c>: the audit trail, newest first.</summary>
    public static Command Audit()
    {
        var caseId = new Option<string?>("--case") { Description = "Only this case." };
        var actor = new Option<string?>("--actor") { Description = "Only this principal (id or name)." };
        var since = new Option<string?>("--since") { Description = "On or after (date or ISO 8601 time)." };
        var top = new Option<int>("--top") { Description = "Entries (at most 200).", DefaultValueFactory = _ => 50 };
        var command = new Command("audit", "The audit trail: every decision, state change, allowlist change, catalog load and key creation.")
        {
            caseId, actor, since, top, ApiClient.UrlOption, ApiClient.KeyOption, ApiClient.JsonOption,
        };
        command.SetAction((parse, ct) => ApiClient.RunAsync(parse, Roles.Reviewer, async client =>
        {
            var query = new List<string> { $"top={parse.GetValue(top)}" };
            if (parse.GetValue(caseId) is { } c) query.Add("caseId=" + ApiClient.Encode(c));
            if (parse.GetValue(actor) is { } a) query.Add("actor=" + ApiClient.Encode(a));
            if (parse.GetValue(since) is { } s) query.Add("since=" + ApiClient.Encode(s));
            var answer = await client.GetAsync("api/audit?" + string.Join('&', query), ct).ConfigureAwait(false);
            if (!answer.Ok) return ApiClient.Fail(answer);
            if (parse.GetValue(ApiClient.JsonOption))
            {
                Console.WriteLine(answer.Body);
                return 0;
            }
            foreach (var e in answer.Json.GetProperty("entries").EnumerateArray())
            {
                string Map(string name) => e.TryGetProperty(name, out var m) && m.ValueKind == System.Text.Json.JsonValueKind.Object
                    ? string.Join(" ", m.EnumerateObject().Select(p => $"{p.Name}={p.Value}")) : "-";
                var target = e.TryGetProperty("caseId", out var cid) ? cid.GetString() : e.TryGetProperty("target", out var t) ? t.GetString() : "";
                Console.WriteLine($"{e.GetProperty("time").GetDateTimeOffset():u}  {e.GetProperty("action").GetString(),-17} {target,-30} by {e.GetProperty("actorName").GetString()}  [{Map("before")}] → [{Map("after")}]");
            }
            return 0;
        }));
        return command;
    }

    private static string Line(System.Text.Json.JsonElement e) =>
        $"{e.GetProperty("domain").GetString(),-34} by {e.GetProperty("author").GetString()} at {e.GetProperty("createdAt").GetDateTimeOffset():u}" +
        (e.TryGetProperty("until", out var u) ? $" until {u.GetDateTimeOffset():u}" : "") + $": {e.GetProperty("reason").GetString()}";
}
