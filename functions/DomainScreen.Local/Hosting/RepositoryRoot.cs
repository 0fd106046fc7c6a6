namespace DomainScreen.Local.Hosting;

/// <summary>Finds the checkout the command runs from (the folder with package.json and DomainScreen.sln).</summary>
public static class RepositoryRoot
{
    public static string Find()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "package.json")) && File.Exists(Path.Combine(dir.FullName, "DomainScreen.sln")))
                {
                    return dir.FullName;
                }
            }
        }
        throw new InvalidOperationException(
            "Cannot find the DomainScreen checkout (package.json next to DomainScreen.sln) to install and start Azurite from; " +
            "run from inside the repository or set AzureWebJobsStorage to a running storage service.");
    }
}
