using System.CommandLine;
using System.Text;
using System.Text.Json;
using DomainScreen.Core.Api;

namespace DomainScreen.Local.Cli;

/// <summary>
/// <c>domainscreen candidates add|import|list|remove</c> and <c>domainscreen sweep start|status|report</c>, against a
/// running <c>serve</c> or the Azure app.
/// </summary>
internal static class SweepCommands
{
    public static Command Candidates()
    {
        var command = new Command("candidates", "The names the nightly sweeps screen.");
        var source = new Option<string?>("--source") { Description = "Where the names come from (default api), e.g. feed:partner-list." };
        var tags = new Option<string[]>("--tag") { Description = "A tag for the names (repeatable).", AllowMultipleArgumentsPerToken = true };

        var names = new Argument<string[]>("names") { Description = "Names, URLs or host:port.", Arity = ArgumentArity.OneOrMore };
        var add = new Command("add", "Add names.") { names, source, tags, ApiClient.UrlOption, ApiClient.KeyOption, ApiClient.JsonOption };
        add.SetAction((parse, ct) => ApiClient.RunAsync(parse, Roles.Analyst, client =>
            PostAsync(client, string.Join('\n', parse.GetValue(names)!), "text/plain", parse.GetValue(source), parse.GetValue(tags), parse.GetValue(ApiClient.JsonOption), ct)));

        var file = new Argument<FileInfo>("file") { Description = "A list: one name a line, a CSV with a domain column, or a JSON array." };
        var import = new Command("import", "Add the names in a file.") { file, source, tags, ApiClient.UrlOption, ApiClient.KeyOption, ApiClient.JsonOption };
        import.SetAction((parse, ct) => ApiClient.RunAsync(parse, Roles.Analyst, async client =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists)
            {
                await Console.Error.WriteLineAsync($"error: {path.FullName}: no such file").ConfigureAwait(false);
                return 2;
            }
            var text = await File.ReadAllTextAsync(path.FullName, ct).ConfigureAwait(false);
            var type = path.Extension.ToLowerInvariant() switch { ".csv" => "text/csv", ".json" => "application/json", _ => "text/plain" };
            return await PostAsync(client, text, type, parse.GetValue(source) ?? "file:" + path.Name, parse.GetValue(tags), parse.GetValue(ApiClient.JsonOption), ct).ConfigureAwait(false);
        }));

        var q = new Option<string?>("--q") { Description = "The start of the name." };
        var tag = new Option<string?>("--tag") { Description = "Only names with this tag." };
        var all = new Option<bool>("--all") { Description = "Follow every page." };
        var list = new Command("list", "List candidates in name order.") { q, source, tag, all, ApiClient.UrlOption, ApiClient.KeyOption, ApiClient.JsonOption };
        list.SetAction((parse, ct) => ApiClient.RunAsync(parse, Roles.Reader, async client =>
        {
            string? token = null;
            do
            {
                var query = new List<string> { "top=500" };
                if (parse.GetValue(q) is { } qv) query.Add("q=" + ApiClient.Encode(qv));
                if (parse.GetValue(source) is { } sv) query.Add("source=" + ApiClient.Encode(sv));
                if (parse.GetValue(tag) is { } tv) query.Add("tag=" + ApiClient.Encode(tv));
                if (token is not null) query.Add("continuationToken=" + ApiClient.Encode(token));
                var answer = await client.GetAsync("api/candidates?" + string.Join('&', query), ct).ConfigureAwait(false);
                if (!answer.Ok) return ApiClient.Fail(answer);
                if (parse.GetValue(ApiClient.JsonOption)) Console.WriteLine(answer.Body);
                else
                {
                    foreach (var c in answer.Json.GetProperty("candidates").EnumerateArray())
                    {
                        var sources = string.Join(",", c.GetProperty("sources").EnumerateArray().Select(x => x.GetString()));
                        var tagList = string.Join(",", c.GetProperty("tags").EnumerateArray().Select(x => x.GetString()));
                        Console.WriteLine($"{c.GetProperty("displayName").GetString(),-40} {sources}{(tagList.Length > 0 ? "  [" + tagList + "]" : "")}");
                    }
                }
                token = answer.Json.TryGetProperty("continuationToken", out var t) ? t.GetString() : null;
            }
            while (token is not null && parse.GetValue(all));
            return 0;
        }));

        var domain = new Argument<string>("domain") { Description = "The name to remove." };
        var remove = new Command("remove", "Remove a candidate (admin).") { domain, ApiClient.UrlOption, ApiClient.KeyOption };
        remove.SetAction((parse, ct) => ApiClient.RunAsync(parse, Roles.Admin, async client =>
        {
            var answer = await client.SendAsync(HttpMethod.Delete, "api/candidates/" + ApiClient.Encode(parse.GetValue(domain)!), null, null, ct).ConfigureAwait(false);
            if (!answer.Ok) return ApiClient.Fail(answer);
            Console.WriteLine($"Removed {parse.GetValue(domain)}.");
            return 0;
        }));
        var feedFile = new Argument<FileInfo>("file") { Description = "A feed file: .txt (a name a line), .csv (domain column), .zone (DNS zone file), optionally .gz." };
        var feed = new Command("feed", "Upload a feed file (admin) and process it now.") { feedFile, ApiClient.UrlOption, ApiClient.KeyOption, ApiClient.JsonOption };
        feed.SetAction((parse, ct) => ApiClient.RunAsync(parse, Roles.Admin, async client =>
        {
            var path = parse.GetValue(feedFile)!;
            if (!path.Exists)
            {
                await Console.Error.WriteLineAsync($"error: {path.FullName}: no such file").ConfigureAwait(false);
                return 2;
            }
            var upload = await client.SendRawAsync(HttpMethod.Put, "api/feeds/" + ApiClient.Encode(path.Name), await File.ReadAllBytesAsync(path.FullName, ct).ConfigureAwait(false),
                "application/octet-stream", ct).ConfigureAwait(false);
            if (!upload.Ok) return ApiClient.Fail(upload);
            var run = await client.SendAsync(HttpMethod.Post, "api/feeds/run", null, null, ct).ConfigureAwait(false);
            if (!run.Ok) return ApiClient.Fail(run);
            if (parse.GetValue(ApiClient.JsonOption))
            {
                Console.WriteLine(run.Body);
                return 0;
            }
            foreach (var r in run.Json.EnumerateArray())
            {
                Console.WriteLine($"{r.GetProperty("file").GetString()} ({r.GetProperty("format").GetString()}): {r.GetProperty("namesRead").GetInt64()} names read, " +
                    $"{r.GetProperty("added").GetInt64()} candidates added, {r.GetProperty("rejected").GetInt64()} rejected");
            }
            return 0;
        }));
        command.Subcommands.Add(add);
        command.Subcommands.Add(import);
        command.Subcommands.Add(feed);
        command.Subcommands.Add(list);
        command.Subcommands.Add(remove);
        return command;
    }

    public static Command Sweep()
    {
        var command = new Command("sweep", "Start a sweep, follow it, read its report.");
        var start = new Command("start", "Start a sweep of every candidate and the watchlist now (admin).") { ApiClient.UrlOption, ApiClient.KeyOption, ApiClient.JsonOption };
        start.SetAction((parse, ct) => ApiClient.RunAsync(parse, Roles.Admin, async client =>
        {
            var answer = await client.SendAsync(HttpMethod.Post, "api/sweeps", null, null, ct).ConfigureAwait(false);
            if (!answer.Ok) return ApiClient.Fail(answer);
            var s = answer.Json;
            var sweepId = s.GetProperty("sweepId").GetString();
            // The API answers before the batches are queued (the sweep-starts trigger queues them): say so, not "0 names".
            Console.WriteLine(parse.GetValue(ApiClient.JsonOption) ? answer.Body
                : s.GetProperty("state").GetString() == Core.Sweeps.SweepStates.Queueing
                    ? $"{sweepId}: started; its batches are being queued (follow it: domainscreen sweep status {sweepId})"
                    : $"{sweepId}: {s.GetProperty("total").GetInt32()} names in {s.GetProperty("batches").GetInt32()} batches queued");
            return 0;
        }));
        var id = new Argument<string?>("id") { Description = "The sweep id (default: the latest).", Arity = ArgumentArity.ZeroOrOne };
        var status = new Command("status", "A sweep's progress.") { id, ApiClient.UrlOption, ApiClient.KeyOption, ApiClient.JsonOption };
        status.SetAction((parse, ct) => ApiClient.RunAsync(parse, Roles.Reader, async client =>
        {
            var sweepId = parse.GetValue(id) ?? await LatestAsync(client, ct).ConfigureAwait(false);
            if (sweepId is null) return ApiClient.Fail(new ApiAnswer(404, """{"code":"not-found","message":"No sweep has run yet."}""", null));
            var answer = await client.GetAsync("api/sweeps/" + ApiClient.Encode(sweepId), ct).ConfigureAwait(false);
            if (!answer.Ok) return ApiClient.Fail(answer);
            var s = answer.Json;
            Console.WriteLine(parse.GetValue(ApiClient.JsonOption) ? answer.Body
                : $"{sweepId}: {s.GetProperty("state").GetString()}, {s.GetProperty("screened").GetInt32()}/{s.GetProperty("total").GetInt32()} screened " +
                  $"({s.GetProperty("failed").GetInt32()} failed), {s.GetProperty("batchesDone").GetInt32()}/{s.GetProperty("batches").GetInt32()} batches{(s.GetProperty("done").GetBoolean() ? ", done" : "")}");
            return 0;
        }));
        var lang = new Option<string>("--lang") { Description = "zh-CN (default) or en.", DefaultValueFactory = _ => "zh-CN" };
        var report = new Command("report", "A sweep's report, for people (Markdown) or as JSON.") { id, lang, ApiClient.UrlOption, ApiClient.KeyOption, ApiClient.JsonOption };
        report.SetAction((parse, ct) => ApiClient.RunAsync(parse, Roles.Reader, async client =>
        {
            var path = parse.GetValue(id) is { } sweepId ? $"api/sweeps/{ApiClient.Encode(sweepId)}/report" : "api/sweeps/latest";
            var headers = parse.GetValue(ApiClient.JsonOption) ? null : new Dictionary<string, string> { ["Accept"] = "text/markdown" };
            var answer = await client.SendAsync(HttpMethod.Get, path + "?lang=" + ApiClient.Encode(parse.GetValue(lang)!), null, headers, ct).ConfigureAwait(false);
            if (!answer.Ok) return ApiClient.Fail(answer);
            Console.Write(answer.Body);
            return 0;
        }));
        var resumeId = new Argument<string>("id") { Description = "The sweep id." };
        var resume = new Command("resume", "Queue the rest of a sweep whose queueing stopped (its start is on sweep-starts-poison) (admin).")
        {
            resumeId, ApiClient.UrlOption, ApiClient.KeyOption, ApiClient.JsonOption,
        };
        resume.SetAction((parse, ct) => ApiClient.RunAsync(parse, Roles.Admin, async client =>
        {
            var sweepId = parse.GetValue(resumeId)!;
            var answer = await client.SendAsync(HttpMethod.Post, $"api/sweeps/{ApiClient.Encode(sweepId)}/resume", null, null, ct).ConfigureAwait(false);
            if (!answer.Ok) return ApiClient.Fail(answer);
            Console.WriteLine(parse.GetValue(ApiClient.JsonOption) ? answer.Body
                : $"{sweepId}: resumed; the rest of its batches are being queued (follow it: domainscreen sweep status {sweepId})");
            return 0;
        }));
        command.Subcommands.Add(start);
        command.Subcommands.Add(resume);
        command.Subcommands.Add(status);
        command.Subcommands.Add(report);
        return command;
    }

    private static async Task<string?> LatestAsync(ApiClient client, CancellationToken ct)
    {
        var answer = await client.GetAsync("api/sweeps/latest", ct).ConfigureAwait(false);
        return answer.Ok ? answer.Json.GetProperty("sweepId").GetString() : null;
    }

    private static async Task<int> PostAsync(ApiClient client, string body, string contentType, string? source, string[]? tags, bool json, CancellationToken ct)
    {
        var query = new List<string>();
        if (source is not null) query.Add("source=" + ApiClient.Encode(source));
        if (tags is { Length: > 0 }) query.Add("tags=" + ApiClient.Encode(string.Join(',', tags)));
        var answer = await client.SendRawAsync(HttpMethod.Post, "api/candidates" + (query.Count > 0 ? "?" + string.Join('&', query) : ""),
            Encoding.UTF8.GetBytes(body), contentType, ct).ConfigureAwait(false);
        if (!answer.Ok && answer.Status != 400) return ApiClient.Fail(answer);
        if (json)
        {
            Console.WriteLine(answer.Body);
            return answer.Ok ? 0 : 1;
        }
        if (!answer.Ok) return ApiClient.Fail(answer);
        var result = answer.Json;
        Console.WriteLine($"{result.GetProperty("added").GetInt32()} added from {result.GetProperty("source").GetString()} ({result.GetProperty("duplicates").GetInt32()} duplicates)");
        foreach (var e in result.GetProperty("errors").EnumerateArray())
        {
            Console.WriteLine($"  line {e.GetProperty("line").GetInt32()}: {e.GetProperty("input").GetString()}: {e.GetProperty("message").GetString()}");
        }
        return 0;
    }
}
