using System.CommandLine;
using DomainScreen.Core.Api;

namespace DomainScreen.Local.Cli;

/// <summary><c>domainscreen export rpz|csv|stix [--policy] [--out FILE]</c> and <c>domainscreen export xarf &lt;actionId&gt;</c>.</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var command = new Command("export", "Exports of what was decided (RPZ, CSV, STIX 2.1) and the XARF report of a deregister action.");
        var output = new Option<FileInfo?>("--out") { Description = "Write to this file instead of standard output (written whole, then renamed into place)." };
        var policy = new Option<string?>("--policy") { Description = "RPZ only: nxdomain (default), nodata or garden." };
        foreach (var (name, description) in new[] { ("rpz", "DNS Response Policy Zone of the active blocks"), ("csv", "every action that reached a partner"), ("stix", "STIX 2.1 bundle of indicators") })
        {
            var sub = new Command(name, description) { output, ApiClient.UrlOption, ApiClient.KeyOption };
            if (name == "rpz") sub.Options.Add(policy);
            sub.SetAction((parse, ct) => ApiClient.RunAsync(parse, Roles.Reviewer, async client =>
            {
                var path = $"api/exports/{name}" + (name == "rpz" && parse.GetValue(policy) is { } p ? "?policy=" + ApiClient.Encode(p) : "");
                var answer = await client.GetAsync(path, ct).ConfigureAwait(false);
                if (!answer.Ok) return ApiClient.Fail(answer);
                await WriteAsync(parse.GetValue(output), answer.Body).ConfigureAwait(false);
                return 0;
            }));
            command.Subcommands.Add(sub);
        }
        var actionId = new Argument<string>("actionId") { Description = "A deregister action's id (see GET /api/cases/{caseId}/actions)." };
        var xarf = new Command("xarf", "The XARF v4 abuse report of a deregister action, for the registrar's abuse contact.") { actionId, output, ApiClient.UrlOption, ApiClient.KeyOption };
        xarf.SetAction((parse, ct) => ApiClient.RunAsync(parse, Roles.Reviewer, async client =>
        {
            var answer = await client.GetAsync($"api/actions/{ApiClient.Encode(parse.GetValue(actionId)!)}/xarf", ct).ConfigureAwait(false);
            if (!answer.Ok) return ApiClient.Fail(answer);
            await WriteAsync(parse.GetValue(output), answer.Body).ConfigureAwait(false);
            return 0;
        }));
        command.Subcommands.Add(xarf);
        return command;
    }

    private static async Task WriteAsync(FileInfo? file, string body)
    {
        if (file is null)
        {
            await Console.Out.WriteAsync(body).ConfigureAwait(false);
            return;
        }
        var temp = file.FullName + ".tmp";
        await File.WriteAllTextAsync(temp, body).ConfigureAwait(false);
        File.Move(temp, file.FullName, overwrite: true);
        await Console.Error.WriteLineAsync($"Wrote {file.FullName}").ConfigureAwait(false);
    }
}
