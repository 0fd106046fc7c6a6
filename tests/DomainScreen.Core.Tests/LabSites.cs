namespace DomainScreen.Core.Tests;

/// <summary>The built-in lab's site files (functions/DomainScreen.Local/Lab/Sites), found from the test binaries up to the repository root.</summary>
internal static class LabSites
{
    public static string Directory { get; } = Find();

    /// <summary>The lab's page files (<c>pages/*.html</c>).</summary>
    public static string[] PageFiles() => System.IO.Directory.GetFiles(Path.Combine(Directory, "pages"), "*.html");

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "DomainScreen.sln"))) dir = dir.Parent;
        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("DomainScreen.sln not found above the test binaries"),
            "functions", "DomainScreen.Local", "Lab", "Sites");
    }
}
