using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using DomainScreen.Core.Api;

namespace DomainScreen.Local.Cli;

/// <summary>
/// <c>domainscreen rescore --catalog dir --policy file</c>: what a catalog or policy would change before it goes live,
/// through POST /api/rescore (admin). Every stored result is re-scored from its stored evidence; nothing is written.
/// </summary>
internal static class RescoreCommand
{
    public static Command Create()
    {
        var catalog = new Option<DirectoryInfo?>("--catalog") { Description = "A catalog folder (every *.json file in it), as it would be uploaded." };
        var policy = new Option<FileInfo?>("--policy") { Description = "A policy.json as it would be uploaded." };
        var top = new Option<int>("--top") { Description = "How many changed domains to list.", DefaultValueFactory = _ => 50 };
        var command = new Command("rescore", "Preview a catalog or policy: re-score every stored result with it (no fetching, nothing written).")
        {
            catalog, policy, top, ApiClient.UrlOption, ApiClient.KeyOption, ApiClient.JsonOption,
        };
        command.SetAction((parse, ct) => ApiClient.RunAsync(parse, Roles.Admin, async client =>
        {
            var body = new JsonObject { ["top"] = parse.GetValue(top) };
            if (parse.GetValue(catalog) is { } dir)
            {
                if (!dir.Exists) return Error($"{dir.FullName}: no such folder");
                var files = new JsonObject();
                foreach (var f in dir.GetFiles("*.json").OrderBy(f => f.Name, StringComparer.Ordinal))
                {
                    if (Parse(await File.ReadAllTextAsync(f.FullName, ct).ConfigureAwait(false), f.FullName) is not { } node) return 2;
                    files[f.Name] = node;
                }
                if (files.Count == 0) return Error($"{dir.FullName}: no *.json files");
                body["catalog"] = files;
            }
            if (parse.GetValue(policy) is { } file)
            {
                if (!file.Exists) return Error($"{file.FullName}: no such file");
                if (Parse(await File.ReadAllTextAsync(file.FullName, ct).ConfigureAwait(false), file.FullName) is not { } node) return 2;
                body["policy"] = node;
            }
            var answer = await client.SendAsync(HttpMethod.Post, "api/rescore", body.ToJsonString(), null, ct).ConfigureAwait(false);
            if (!answer.Ok) return ApiClient.Fail(answer);
            if (parse.GetValue(ApiClient.JsonOption)) Console.WriteLine(answer.Body);
            else Print(answer.Json);
            return 0;
        }));
        return command;
    }

    private static int Error(string message)
    {
        Console.Error.WriteLine($"error: {message}");
        return 2;
    }

    // Files may carry comments (the built-in policy does); the API takes JSON values.
    private static JsonNode? Parse(string text, string path)
    {
        try
        {
            return JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            Console.Error.WriteLine($"error: {path}: not JSON ({ex.Message})");
            return null;
        }
    }

    private static void Print(JsonElement r)
    {
        string S(string name) => r.GetProperty(name).ToString();
        Console.WriteLine($"catalog {S("catalogVersion")}, policy {S("policyVersion")} (stored verdicts came from catalog {string.Join(", ", r.GetProperty("fromCatalogVersions").EnumerateArray())}, policy {string.Join(", ", r.GetProperty("fromPolicyVersions").EnumerateArray())})");
        Console.WriteLine($"{S("results")} stored results: {S("rescored")} re-scored, {S("withoutEvidence")} without stored evidence, {S("changed")} changed");
        foreach (var m in r.GetProperty("moves").EnumerateArray().Where(m => m.GetProperty("from").GetString() != m.GetProperty("to").GetString()))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {m.GetProperty("from").GetString(),-6} -> {m.GetProperty("to").GetString(),-6} {m.GetProperty("count").GetInt32()}"));
        }
        Console.WriteLine($"cases it would open: {S("wouldOpen")}, close: {S("wouldClose")}");
        foreach (var c in r.GetProperty("changes").EnumerateArray())
        {
            var added = string.Join(",", c.GetProperty("categoriesAdded").EnumerateArray().Select(x => "+" + x.GetString()));
            var removed = string.Join(",", c.GetProperty("categoriesRemoved").EnumerateArray().Select(x => "-" + x.GetString()));
            var effect = c.TryGetProperty("caseEffect", out var e) && e.ValueKind == JsonValueKind.String ? $"  [{e.GetString()} case]" : "";
            Console.WriteLine($"  {c.GetProperty("displayName").GetString()}: {c.GetProperty("fromBand").GetString()} {c.GetProperty("fromScore").GetInt32()} -> {c.GetProperty("toBand").GetString()} {c.GetProperty("toScore").GetInt32()} {added} {removed}{effect}".TrimEnd());
        }
        if (r.GetProperty("changesTruncated").GetBoolean()) Console.WriteLine("  … more changed; raise --top or use --json");
    }
}
