using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using DomainScreen.Core.Api;

namespace DomainScreen.Local.Cli;

/// <summary>
/// <c>domainscreen cases list|show|decide|appeal</c>: the reviewer's work against a running <c>serve</c> or the Azure
/// app (see <see cref="ApiClient"/> for where the URL and key come from).
/// </summary>
internal static class CasesCommand
{
    public static Command Create()
    {
        var command = new Command("cases", "List, read and decide review cases (talks to a running serve, or --url).");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Show());
        command.Subcommands.Add(Decide());
        command.Subcommands.Add(Appeal());
        return command;
    }

    private static Command List()
    {
        var state = new Option<string?>("--state") { Description = "pending (default), escalated, approved, rejected, appealed, actioned, closed, a comma list, or all." };
        var band = new Option<string?>("--band") { Description = "review or block (or watch, clear)." };
        var category = new Option<string?>("--category") { Description = "A category id, e.g. face-swap." };
        var product = new Option<string?>("--product") { Description = "A product id, e.g. facefusion." };
        var source = new Option<string?>("--source") { Description = "sweep or submission." };
        var run = new Option<string?>("--run") { Description = "A sweep or submission id." };
        var q = new Option<string?>("--q") { Description = "The start of the domain (Unicode or punycode)." };
        var since = new Option<string?>("--since") { Description = "Updated on or after (date or ISO 8601 time)." };
        var top = new Option<int>("--top") { Description = "Cases per page (at most 200).", DefaultValueFactory = _ => 50 };
        var all = new Option<bool>("--all") { Description = "Follow every page." };
        var command = new Command("list", "Cases by score (highest first), then newest.")
        {
            state, band, category, product, source, run, q, since, top, all, ApiClient.UrlOption, ApiClient.KeyOption, ApiClient.JsonOption,
        };
        command.SetAction((parse, ct) => ApiClient.RunAsync(parse, Roles.Reader, async client =>
        {
            var query = new List<string> { $"top={parse.GetValue(top)}" };
            void Add(string name, string? value)
            {
                if (value is not null) query.Add($"{name}={ApiClient.Encode(value)}");
            }
            Add("state", parse.GetValue(state));
            Add("band", parse.GetValue(band));
            Add("category", parse.GetValue(category));
            Add("product", parse.GetValue(product));
            Add("source", parse.GetValue(source));
            Add("runId", parse.GetValue(run));
            Add("q", parse.GetValue(q));
            Add("since", parse.GetValue(since));
            string? token = null;
            var first = true;
            do
            {
                var path = "api/cases?" + string.Join('&', query) + (token is null ? "" : "&continuationToken=" + ApiClient.Encode(token));
                var answer = await client.GetAsync(path, ct).ConfigureAwait(false);
                if (!answer.Ok) return ApiClient.Fail(answer);
                if (parse.GetValue(ApiClient.JsonOption))
                {
                    Console.WriteLine(answer.Body);
                }
                else
                {
                    var page = answer.Json;
                    if (first)
                    {
                        var counts = string.Join(", ", page.GetProperty("counts").EnumerateObject().Where(c => c.Value.GetInt32() > 0).Select(c => $"{c.Name} {c.Value.GetInt32()}"));
                        Console.WriteLine($"Matching cases: {(counts.Length > 0 ? counts : "none")}");
                        Console.WriteLine($"{"SCORE",5} {"BAND",-6} {"STATE",-9} {"DOMAIN",-34} {"UPDATED",-17} CATEGORIES / PRODUCTS");
                    }
                    foreach (var c in page.GetProperty("cases").EnumerateArray())
                    {
                        var what = string.Join(" / ", new[] { Join(c, "categories"), Join(c, "products") }.Where(x => x.Length > 0));
                        var name = c.GetProperty("displayName").GetString()!;
                        var awaiting = c.TryGetProperty("awaitingSecondApproval", out var a) && a.GetBoolean() ? " (awaits 2nd approval)" : "";
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"{c.GetProperty("score").GetInt32(),5} {c.GetProperty("band").GetString(),-6} {c.GetProperty("state").GetString(),-9} {name,-34} {c.GetProperty("updatedAt").GetDateTimeOffset():yyyy-MM-dd HH:mm} {what}{awaiting}"));
                    }
                }
                first = false;
                token = answer.Json.TryGetProperty("continuationToken", out var t) ? t.GetString() : null;
            }
            while (token is not null && parse.GetValue(all));
            if (token is not null && !parse.GetValue(ApiClient.JsonOption)) Console.WriteLine("(more: --all)");
            return 0;
        }));
        return command;
    }

    private static Command Show()
    {
        var caseId = new Argument<string>("case") { Description = "The case id: the registrable domain (Unicode or punycode)." };
        var command = new Command("show", "One case: verdicts, hosts, evidence, decisions, allowlist status.") { caseId, ApiClient.UrlOption, ApiClient.KeyOption, ApiClient.JsonOption };
        command.SetAction((parse, ct) => ApiClient.RunAsync(parse, Roles.Reader, async client =>
        {
            var answer = await client.GetAsync("api/cases/" + ApiClient.Encode(parse.GetValue(caseId)!), ct).ConfigureAwait(false);
            if (!answer.Ok) return ApiClient.Fail(answer);
            if (parse.GetValue(ApiClient.JsonOption))
            {
                Console.WriteLine(answer.Body);
                return 0;
            }
            Print(answer.Json);
            return 0;
        }));
        return command;
    }

    private static Command Decide()
    {
        var caseId = new Argument<string>("case") { Description = "The case id (registrable domain)." };
        var decision = new Argument<string>("decision") { Description = "approve, reject, escalate, uphold, reverse or close." };
        var actions = new Option<string?>("--actions") { Description = "For approve: block, deregister or block,deregister." };
        var scope = new Option<string?>("--scope") { Description = "For approve: host (default) or registrable-domain." };
        var note = new Option<string?>("--note") { Description = "A note for the record." };
        var reason = new Option<string?>("--reason") { Description = "For reject: why (required)." };
        var allowlist = new Option<bool>("--allowlist") { Description = "For reject: also put the domain on the allowlist." };
        var until = new Option<string?>("--until") { Description = "For reject --allowlist: the entry expires then (ISO 8601)." };
        var etag = new Option<string?>("--etag") { Description = "The ETag you decided on (default: read the case now)." };
        var command = new Command("decide", "Decide a case (reads its ETag first unless --etag is given).")
        {
            caseId, decision, actions, scope, note, reason, allowlist, until, etag, ApiClient.UrlOption, ApiClient.KeyOption, ApiClient.JsonOption,
        };
        command.SetAction((parse, ct) => ApiClient.RunAsync(parse, Roles.Reviewer, async client =>
        {
            var id = ApiClient.Encode(parse.GetValue(caseId)!);
            var tag = parse.GetValue(etag);
            if (tag is null)
            {
                var current = await client.GetAsync("api/cases/" + id, ct).ConfigureAwait(false);
                if (!current.Ok) return ApiClient.Fail(current);
                tag = current.ETag ?? current.Json.GetProperty("etag").GetString();
            }
            var body = new JsonObject { ["decision"] = parse.GetValue(decision) };
            if (parse.GetValue(actions) is { } a) body["actions"] = new JsonArray(a.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(x => (JsonNode)x!).ToArray());
            if (parse.GetValue(scope) is { } s) body["scope"] = s;
            if (parse.GetValue(note) is { } n) body["note"] = n;
            if (parse.GetValue(reason) is { } r) body["reason"] = r;
            if (parse.GetValue(allowlist)) body["allowlist"] = true;
            if (parse.GetValue(until) is { } u) body["allowlistUntil"] = u;
            var answer = await client.SendAsync(HttpMethod.Post, $"api/cases/{id}/decision", body.ToJsonString(), new Dictionary<string, string> { ["If-Match"] = tag! }, ct)
                .ConfigureAwait(false);
            if (!answer.Ok) return ApiClient.Fail(answer);
            if (parse.GetValue(ApiClient.JsonOption))
            {
                Console.WriteLine(answer.Body);
                return 0;
            }
            var c = answer.Json;
            Console.WriteLine(answer.Status == 202
                ? $"{c.GetProperty("caseId").GetString()}: first approval recorded; {string.Join(", ", c.GetProperty("pendingApproval").GetProperty("actions").EnumerateArray().Select(x => x.GetString()))} takes effect when another reviewer approves too (ETag {answer.ETag})."
                : $"{c.GetProperty("caseId").GetString()}: now {c.GetProperty("state").GetString()} (ETag {answer.ETag}).");
            return 0;
        }));
        return command;
    }

    private static Command Appeal()
    {
        var caseId = new Argument<string>("case") { Description = "The case id (registrable domain)." };
        var contact = new Option<string>("--contact") { Description = "How to reach the site owner.", Required = true };
        var text = new Option<string>("--text") { Description = "The appeal.", Required = true };
        var command = new Command("appeal", "Record a site owner's appeal against an approved or actioned case.") { caseId, contact, text, ApiClient.UrlOption, ApiClient.KeyOption, ApiClient.JsonOption };
        command.SetAction((parse, ct) => ApiClient.RunAsync(parse, Roles.Analyst, async client =>
        {
            var body = new JsonObject { ["contact"] = parse.GetValue(contact), ["text"] = parse.GetValue(text) };
            var answer = await client.SendAsync(HttpMethod.Post, $"api/cases/{ApiClient.Encode(parse.GetValue(caseId)!)}/appeal", body.ToJsonString(), null, ct).ConfigureAwait(false);
            if (!answer.Ok) return ApiClient.Fail(answer);
            Console.WriteLine(parse.GetValue(ApiClient.JsonOption) ? answer.Body : $"Appeal recorded; the case is now {answer.Json.GetProperty("state").GetString()}.");
            return 0;
        }));
        return command;
    }

    private static void Print(JsonElement d)
    {
        var c = d.GetProperty("case");
        Console.WriteLine($"Case {c.GetProperty("caseId").GetString()} ({c.GetProperty("displayName").GetString()})  state {c.GetProperty("state").GetString()}  " +
            $"{c.GetProperty("band").GetString()} {c.GetProperty("score").GetInt32()}  ETag {d.GetProperty("etag").GetString()}");
        Console.WriteLine($"  categories: {Join(c, "categories")}   products: {Join(c, "products")}   sources: {Join(c, "sources")}");
        Console.WriteLine($"  opened {c.GetProperty("openedAt").GetDateTimeOffset():u}, updated {c.GetProperty("updatedAt").GetDateTimeOffset():u}");
        if (c.TryGetProperty("pendingApproval", out var p))
        {
            Console.WriteLine($"  awaiting a second approval of {Join(p, "actions")} (first by {p.GetProperty("actorName").GetString()})");
        }
        if (c.TryGetProperty("approved", out var ap)) Console.WriteLine($"  approved: {Join(ap, "actions")} on the {ap.GetProperty("scope").GetString()} by {Join(ap, "approvedBy")}");
        if (c.TryGetProperty("appeal", out var appeal)) Console.WriteLine($"  appeal from {appeal.GetProperty("contact").GetString()}: {appeal.GetProperty("text").GetString()}");
        if (d.TryGetProperty("allowlisted", out var allowed)) Console.WriteLine($"  allowlisted by {allowed.GetProperty("author").GetString()}: {allowed.GetProperty("reason").GetString()}");
        Console.WriteLine("  hosts:");
        foreach (var h in c.GetProperty("hosts").EnumerateArray())
        {
            Console.WriteLine($"    {h.GetProperty("host").GetString(),-40} {h.GetProperty("band").GetString(),-6} {h.GetProperty("score").GetInt32(),3}  {h.GetProperty("screenedAt").GetDateTimeOffset():u}");
        }
        if (d.TryGetProperty("latest", out var latest) && latest.TryGetProperty("verdict", out var verdict))
        {
            Console.WriteLine($"  latest verdict ({latest.GetProperty("domain").GetString()}): why");
            foreach (var e in verdict.GetProperty("evidence").EnumerateArray().Where(e => e.GetProperty("weight").GetInt32() != 0).Take(15))
            {
                var matched = e.TryGetProperty("matched", out var m) ? $"  “{m.GetString()}”" : "";
                Console.WriteLine($"    {e.GetProperty("weight").GetInt32(),4}  {e.GetProperty("detail").GetString()}{matched}");
            }
        }
        Console.WriteLine("  history (newest first):");
        foreach (var h in d.GetProperty("history").EnumerateArray().Take(10))
        {
            Console.WriteLine($"    {h.GetProperty("screenedAt").GetDateTimeOffset():u}  {h.GetProperty("host").GetString(),-34} {h.GetProperty("band").GetString(),-6} {h.GetProperty("score").GetInt32(),3}  {Join(h, "categories")}  page {Short(h, "pageSha256")}");
        }
        Console.WriteLine("  decisions:");
        foreach (var e in d.GetProperty("events").EnumerateArray())
        {
            var extra = new[] { Join(e, "actions"), Str(e, "scope"), Str(e, "reason"), Str(e, "note") }.Where(x => x.Length > 0);
            Console.WriteLine($"    v{e.GetProperty("version").GetInt32()} {e.GetProperty("at").GetDateTimeOffset():u}  {e.GetProperty("event").GetString(),-18} by {e.GetProperty("actorName").GetString()}: {Str(e, "fromState")} → {Str(e, "toState")}  {string.Join("; ", extra)}");
        }
    }

    private static string Join(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array ? string.Join(",", v.EnumerateArray().Select(x => x.GetString())) : "";

    private static string Str(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";

    private static string Short(JsonElement e, string name) => Str(e, name) is { Length: > 12 } s ? s[..12] + "…" : "-";
}
