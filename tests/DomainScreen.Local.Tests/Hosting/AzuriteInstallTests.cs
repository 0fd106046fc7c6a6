using DomainScreen.Local.Hosting;

namespace DomainScreen.Local.Tests.Hosting;

/// <summary>
/// Installing the pinned npm packages when several test assemblies or commands start at once: the entry scripts existing
/// is not enough (npm ci writes files in parallel), only an install that has finished counts.
/// </summary>
public sealed class AzuriteInstallTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("ds-npm-").FullName;

    private string Exe => Path.Combine(_root, "node_modules", "azurite", "dist", "src", "azurite.js");

    private void EntryScriptsWritten()
    {
        foreach (var file in new[] { Exe, Path.Combine(_root, "node_modules", "axe-core", "axe.min.js") })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllText(file, "");
        }
    }

    private FileStream InstallInProgress() =>
        new(Path.Combine(_root, ".npm-install.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);

    [Fact]
    public async Task EntryScriptsOfAnInstallStillRunning_AreNotTrusted_UntilItEnds()
    {
        EntryScriptsWritten();
        var install = InstallInProgress();

        var ensure = AzuriteProcess.EnsureInstalledAsync(_root, null, CancellationToken.None);
        Assert.False(ensure.IsCompleted); // waits for the running install instead of starting a half-written Azurite

        await install.DisposeAsync();
        Assert.Equal(Exe, await ensure.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(File.Exists(Path.Combine(_root, "node_modules", AzuriteProcess.InstalledMarker)));
    }

    [Fact]
    public async Task AFinishedInstall_IsUsedAtOnce()
    {
        EntryScriptsWritten();
        File.WriteAllText(Path.Combine(_root, "node_modules", AzuriteProcess.InstalledMarker), "");
        using var lockHeld = InstallInProgress(); // the lock is not even looked at once an install has finished

        var ensure = AzuriteProcess.EnsureInstalledAsync(_root, null, CancellationToken.None);

        Assert.True(ensure.IsCompleted);
        Assert.Equal(Exe, await ensure);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
