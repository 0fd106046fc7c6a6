using System.Text.Json;

namespace DomainScreen.Local.Tests.Hosting;

/// <summary>
/// The runtime settings `domainscreen` ships with (Directory.Build.props): measured choices that a project-file edit
/// could silently drop (docs/benchmarks.md, "Seventh session" and "Twelfth session").
/// </summary>
public sealed class RuntimeConfigTests
{
    private static JsonElement ConfigProperties()
    {
        // The referenced app's runtimeconfig.json is copied next to this test assembly.
        var path = Path.Combine(AppContext.BaseDirectory, "domainscreen.runtimeconfig.json");
        Assert.True(File.Exists(path), $"{path} is missing");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").Clone();
    }

    [Fact]
    public void DynamicPgoIsOff_SoAFreshProcessCompilesHotMethodsTwiceNotThreeTimes()
    {
        Assert.False(ConfigProperties().GetProperty("System.Runtime.TieredPGO").GetBoolean());
    }

    [Fact]
    public void Gen2IsCompactedWhenMuchOfItIsFree()
    {
        Assert.Equal(7, ConfigProperties().GetProperty("System.GC.ConserveMemory").GetInt32());
    }
}
