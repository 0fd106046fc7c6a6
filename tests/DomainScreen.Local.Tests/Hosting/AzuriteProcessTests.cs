using Azure.Data.Tables;
using DomainScreen.Local.Hosting;

namespace DomainScreen.Local.Tests.Hosting;

/// <summary>
/// The Azurite child as serve uses it, against the real emulator: with data on disk a stop keeps what was written just
/// before it (Azurite saves only every 5 s; killed outright it would lose those seconds), and an Azurite that ends
/// on its own is reported with its exit code.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class AzuriteProcessTests : IDisposable
{
    private readonly string _location = Path.Combine(Path.GetTempPath(), "ds-azurite-" + Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public async Task OnDisk_AStop_KeepsWhatWasWrittenJustBeforeIt()
    {
        var azurite = await AzuriteProcess.StartAsync(location: _location);
        var table = new TableServiceClient(azurite.ConnectionString).GetTableClient("StopKeeps");
        // Writes land between two 5-second saves: only the stop itself can save them.
        await table.CreateIfNotExistsAsync();
        await table.UpsertEntityAsync(new TableEntity("p", "decision") { ["Verdict"] = "approve" });
        await azurite.DisposeAsync();
        Assert.False(azurite.Stopped.IsCompleted); // stopped by its owner: not reported as ending on its own

        await using var again = await AzuriteProcess.StartAsync(location: _location);
        var row = await new TableServiceClient(again.ConnectionString).GetTableClient("StopKeeps").GetEntityIfExistsAsync<TableEntity>("p", "decision");
        Assert.True(row.HasValue);
        Assert.Equal("approve", row.Value!.GetString("Verdict"));
    }

    [Fact]
    public async Task EndingOnItsOwn_IsReportedWithItsExitCode()
    {
        await using var azurite = await AzuriteProcess.StartAsync();
        using (var node = System.Diagnostics.Process.GetProcessById(azurite.ProcessId)) node.Kill();

        var code = await azurite.Stopped.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.NotEqual(0, code);
        Assert.Equal(0, azurite.TableStoreBytes()); // in memory: nothing on disk
    }

    public void Dispose()
    {
        if (Directory.Exists(_location)) Directory.Delete(_location, recursive: true);
    }
}
