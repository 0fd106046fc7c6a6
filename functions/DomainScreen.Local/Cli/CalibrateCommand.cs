using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using DomainScreen.Core.Api;

namespace DomainScreen.Local.Cli;

/// <summary>
/// <c>domainscreen calibrate</c>: reviewers' decisions as labels (GET /api/calibration) — per term and signal, how
/// often it appeared in approved and rejected cases with a 95 % interval, the proposed weights and their effect. With
/// <c>--out</c> the proposed policy is written to a file for an admin to review and upload; nothing is applied here.
/// </summary>
internal static class CalibrateCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Command Create()
    {
        var minSupport = new Option<int>("--min-support") { Description = "Fewest decided cases an item needs.", DefaultValueFactory = _ => 5 };
        var output = new Option<FileInfo?>("--out") { Description = "Write the proposed policy here (JSON)." };
        var command = new Command("calibrate", "Propose policy weights from reviewers' approvals and rejections, and show their effect.")
        {
            minSupport, output, ApiClient.UrlOption, ApiClient.KeyOption, ApiClient.JsonOption,
        };
        command.SetAction((parse, ct) => ApiClient.RunAsync(parse, Roles.Reviewer, async client =>
        {
            var answer = await client.GetAsync($"api/calibration?minSupport={parse.GetValue(minSupport).ToString(CultureInfo.InvariantCulture)}", ct).ConfigureAwait(false);
            if (!answer.Ok) return ApiClient.Fail(answer);
            var r = answer.Json;
            if (parse.GetValue(output) is { } file)
            {
                await File.WriteAllTextAsync(file.FullName, JsonSerializer.Serialize(r.GetProperty("proposedPolicy"), Indented), ct)
                    .ConfigureAwait(false);
                await Console.Error.WriteLineAsync($"proposed policy written to {file.FullName} (not applied: an admin uploads it)").ConfigureAwait(false);
            }
            if (parse.GetValue(ApiClient.JsonOption))
            {
                Console.WriteLine(answer.Body);
                return 0;
            }
            Console.WriteLine($"labels: {r.GetProperty("approved")} approved or actioned, {r.GetProperty("rejected")} rejected (policy {r.GetProperty("policyVersion").GetString()})");
            Console.WriteLine("evidence                       kind     approved rejected precision  95% interval  weight -> proposed");
            foreach (var i in r.GetProperty("items").EnumerateArray())
            {
                var proposed = i.TryGetProperty("proposedWeight", out var p) && p.ValueKind == JsonValueKind.Number ? $"-> {p.GetInt32()}" : "";
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{i.GetProperty("id").GetString(),-30} {i.GetProperty("kind").GetString(),-8} {i.GetProperty("approved").GetInt32(),8} {i.GetProperty("rejected").GetInt32(),8} {i.GetProperty("precision").GetDouble(),9:0.00}  {i.GetProperty("low").GetDouble():0.00}–{i.GetProperty("high").GetDouble():0.00}  {i.GetProperty("weight").GetInt32(),6} {proposed}"));
            }
            if (r.TryGetProperty("effect", out var effect) && effect.ValueKind == JsonValueKind.Object)
            {
                Console.WriteLine($"effect of the proposal: {effect.GetProperty("changed")} of {effect.GetProperty("rescored")} re-scored results change; cases it would open {effect.GetProperty("wouldOpen")}, close {effect.GetProperty("wouldClose")}");
                foreach (var m in effect.GetProperty("moves").EnumerateArray().Where(m => m.GetProperty("from").GetString() != m.GetProperty("to").GetString()))
                {
                    Console.WriteLine($"  {m.GetProperty("from").GetString()} -> {m.GetProperty("to").GetString()}: {m.GetProperty("count")}");
                }
            }
            else
            {
                Console.WriteLine("no change proposed");
            }
            return 0;
        }));
        return command;
    }
}
