using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using DomainScreen.Core;
using DomainScreen.Core.Api;
using DomainScreen.Local.Hosting;

namespace DomainScreen.Functions.Tests;

/// <summary>
/// The infrastructure, offline: every Bicep file builds and lints clean with the Bicep CLI restored from NuGet,
/// and the app settings the Bicep writes and the settings the code binds do not drift apart.
/// </summary>
public sealed partial class InfraTests
{
    private static readonly string Root = RepositoryRoot.Find();
    private static readonly string Infra = Path.Combine(Root, "infra");

    private static string BicepExe()
    {
        var root = typeof(InfraTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "NuGetPackageRoot").Value!;
        var exe = Path.Combine(root, "azure.bicep.commandline.linux-x64", "0.49.2", "tools", "bicep");
        Assert.True(File.Exists(exe), $"Bicep CLI not restored at {exe} (PackageDownload Azure.Bicep.CommandLine.linux-x64)");
        return exe;
    }

    public static TheoryData<string> BicepFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(RepositoryRoot.Find(), "infra"), "*.bicep", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(RepositoryRoot.Find(), file));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public async Task Bicep_BuildsAndLintsClean(string file)
    {
        var path = Path.Combine(Root, file);

        var build = await RunAsync(BicepExe(), "build", path, "--stdout");
        Assert.True(build.Exit == 0, build.Output);
        Assert.DoesNotContain("Warning", build.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Error", build.Error, StringComparison.Ordinal);

        var lint = await RunAsync(BicepExe(), "lint", path);
        Assert.True(lint.Exit == 0, lint.Output + lint.Error);
        Assert.Equal("", (lint.Output + lint.Error).Trim());
    }

    [Fact]
    public void AppSettings_TheBicepWrites_AreBoundByTheCode()
    {
        var written = BicepAppSettings();
        var bound = CodeSettings();

        var unknown = written.Where(w => !IsPlatformSetting(w) && !bound.Scalars.Contains(w) && !bound.Prefixes.Any(p => w.StartsWith(p, StringComparison.Ordinal))).ToList();

        Assert.True(unknown.Count == 0, "Bicep writes settings no code reads: " + string.Join(", ", unknown));
    }

    [Fact]
    public void RequiredSettings_TheCodeValidates_AreSetByTheBicep()
    {
        var written = BicepAppSettings();
        var required = ServiceCollectionExtensions.OptionSections
            .SelectMany(s => s.Options.GetProperties().Where(p => p.GetCustomAttribute<RequiredAttribute>() is not null).Select(p => $"{s.Section}__{p.Name}"))
            // Identity-based storage (StorageOptions.Validate when no connection string is given).
            .Concat(["AzureWebJobsStorage__blobServiceUri", "AzureWebJobsStorage__queueServiceUri", "AzureWebJobsStorage__tableServiceUri",
                "AzureWebJobsStorage__clientId", "AzureWebJobsStorage__credential"])
            .ToList();

        var missing = required.Where(r => !written.Contains(r)).ToList();

        Assert.True(missing.Count == 0, "Required settings the Bicep does not set: " + string.Join(", ", missing));
    }

    [Fact]
    public void Bicep_SetsAuthModeAppServiceAndTheTimerSchedule()
    {
        var text = File.ReadAllText(Path.Combine(Infra, "app", "api.bicep"));

        Assert.Contains("Auth__Mode: 'AppService'", text, StringComparison.Ordinal);
        Assert.Contains("Sweep__Schedule: sweepSchedule", text, StringComparison.Ordinal);
        // Only the health probe and the console's static files (no data) are reachable without signing in.
        Assert.Contains("excludedPaths: ['/api/health', '/review', '/review/*']", text, StringComparison.Ordinal);
    }

    [Fact]
    public void LocalSettingsSample_ListsEveryScalarSettingTheCodeReads()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "local.settings.sample.json")));
        var keys = doc.RootElement.GetProperty("Values").EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var code = CodeSettings();

        var missing = code.Scalars.Where(k => !k.StartsWith("Storage__", StringComparison.Ordinal) || k is "Storage__Connection" or "Storage__SweepQueue" or "Storage__PriorityQueue")
            .Where(k => !keys.Contains(k)).ToList();

        Assert.True(missing.Count == 0, "local.settings.sample.json lacks: " + string.Join(", ", missing));
        Assert.All(keys.Where(k => k.Contains("__", StringComparison.Ordinal) && !k.StartsWith("AzureWebJobsStorage", StringComparison.Ordinal)),
            k => Assert.True(code.Scalars.Contains(k) || code.Prefixes.Any(p => k.StartsWith(p, StringComparison.Ordinal)), $"sample setting {k} is not read by the code"));
    }

    [Fact]
    public void OptionSections_CoverEveryOptionsClass()
    {
        var options = typeof(ServiceCollectionExtensions).Assembly.GetTypes()
            .Where(t => t.IsPublic && t.IsClass && t.Name.EndsWith("Options", StringComparison.Ordinal) && t.GetField("Section") is not null);

        Assert.All(options, t => Assert.Contains(ServiceCollectionExtensions.OptionSections, s => s.Options == t));
    }

    [Fact]
    public void EntraAppRoles_MatchTheRolesTheCodeChecks()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Infra, "entra-app-roles.json")));
        var values = doc.RootElement.EnumerateArray().Select(r => r.GetProperty("value").GetString()).Order().ToArray();

        Assert.Equal(Roles.All.Order(), values);
    }

    [Fact]
    public void AzureYaml_DeploysTheFunctionsProject()
    {
        var yaml = File.ReadAllText(Path.Combine(Root, "azure.yaml"));

        Assert.Contains("project: ./functions/DomainScreen.Functions/", yaml, StringComparison.Ordinal);
        Assert.Contains("host: function", yaml, StringComparison.Ordinal);
        Assert.True(Directory.Exists(Path.Combine(Root, "functions", "DomainScreen.Functions")));
    }

    private static HashSet<string> BicepAppSettings()
    {
        var text = File.ReadAllText(Path.Combine(Infra, "app", "api.bicep"));
        var begin = text.IndexOf("// app-settings:begin", StringComparison.Ordinal);
        var end = text.IndexOf("// app-settings:end", StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, "api.bicep lost its app-settings markers");
        var block = text[begin..end];
        var properties = block.IndexOf("properties: {", StringComparison.Ordinal);
        Assert.True(properties >= 0, "no properties in the app-settings block");
        return SettingName().Matches(block[(properties + "properties: {".Length)..]).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
    }

    private static (HashSet<string> Scalars, List<string> Prefixes) CodeSettings()
    {
        var scalars = new HashSet<string>(StringComparer.Ordinal);
        var prefixes = new List<string> { "AzureWebJobsStorage__" };
        foreach (var (type, section) in ServiceCollectionExtensions.OptionSections)
        {
            foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                var t = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
                if (t == typeof(string) || t.IsPrimitive || t == typeof(Uri) || t == typeof(TimeSpan))
                {
                    if (p.SetMethod?.IsPublic == true) scalars.Add($"{section}__{p.Name}");
                }
                else if (typeof(System.Collections.IEnumerable).IsAssignableFrom(t))
                {
                    prefixes.Add($"{section}__{p.Name}__");
                }
            }
        }
        scalars.Add("Sweep__Schedule");
        return (scalars, prefixes);
    }

    private static bool IsPlatformSetting(string name) =>
        name.StartsWith("APPLICATIONINSIGHTS_", StringComparison.Ordinal) || name.StartsWith("FUNCTIONS_", StringComparison.Ordinal)
        || name.StartsWith("WEBSITE_", StringComparison.Ordinal) || name == "AzureWebJobsStorage__credential"
        || name == "MALLOC_ARENA_MAX"; // the C library's, read by the worker process at start

    private static async Task<(int Exit, string Output, string Error)> RunAsync(string exe, params string[] args)
    {
        var start = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["BICEP_TRACING_ENABLED"] = "false";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, await output, await error);
    }

    [GeneratedRegex(@"^\s*([A-Za-z][A-Za-z0-9_]*)\s*:", RegexOptions.Multiline)]
    private static partial Regex SettingName();
}
