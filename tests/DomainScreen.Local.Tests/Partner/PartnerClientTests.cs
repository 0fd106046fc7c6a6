using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DomainScreen.Core;
using DomainScreen.Core.Actions;
using DomainScreen.Local.Cli;
using DomainScreen.Local.Partner;
using DomainScreen.Local.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DomainScreen.Local.Tests.Partner;

/// <summary>The reference partner client against the local runtime: what it applies, what it refuses, and why.</summary>
[Collection(LocalWorldCollection.Name)]
public sealed class PartnerClientTests(LocalWorldFixture world) : IDisposable
{
    private readonly string _rpz = Path.Combine(Path.GetTempPath(), "ds-partner-" + Guid.NewGuid().ToString("N")[..8] + ".rpz");

    private async Task<PartnerAction> StoreAsync(string domain, Func<ActionMessage, ActionMessage> edit, IActionSigner? signer = null, Func<string, string>? tamper = null)
    {
        var services = world.App.Services;
        var id = "a" + Guid.NewGuid().ToString("N");
        var now = TimeProvider.System.GetUtcNow();
        var message = edit(new ActionMessage(1, id, ActionVerbs.Block, domain, domain, "host", domain, domain, ["nudify"], "block", 90, now, now.AddDays(1), "test", [domain]));
        var jws = await Jws.SignAsync(signer ?? services.GetRequiredService<IActionSigner>(), JsonSerializer.SerializeToUtf8Bytes(message, CoreJson.Default.ActionMessage), CancellationToken.None);
        var action = new PartnerAction
        {
            ActionId = id, PartnerId = LocalWorldFixture.PartnerId, CaseId = domain, Kind = message.Kind, Domain = domain, DisplayName = domain, Scope = "host",
            Hosts = [domain], DecisionVersion = 1, Jws = tamper?.Invoke(jws) ?? jws, State = ActionStates.Dispatched, CreatedAt = now, DispatchedAt = now, ExpiresAt = message.ExpiresAt,
        };
        Assert.True(await services.GetRequiredService<ActionStore>().TryAddAsync(action, CancellationToken.None));
        return action;
    }

    [Fact]
    public async Task Pull_AppliesWhatVerifies_RefusesTamperedUnknownKeyAndExpired_SayingWhy()
    {
        var stem = Guid.NewGuid().ToString("N")[..8];
        var good = await StoreAsync($"good-{stem}.test", m => m);
        var tampered = await StoreAsync($"tampered-{stem}.test", m => m, tamper: jws =>
        {
            var parts = jws.Split('.');
            var payload = Encoding.UTF8.GetString(Jws.FromBase64Url(parts[1])).Replace($"tampered-{stem}.test", $"bank-{stem}.test", StringComparison.Ordinal);
            return parts[0] + "." + Jws.Base64Url(Encoding.UTF8.GetBytes(payload)) + "." + parts[2];
        });
        var keyDir = Directory.CreateTempSubdirectory("ds-stranger-");
        using var stranger = new LocalKeyRing(Options.Create(new ActionOptions { SigningKeyDirectory = keyDir.FullName }), TimeProvider.System);
        var unknownKey = await StoreAsync($"stranger-{stem}.test", m => m, stranger);
        var expired = await StoreAsync($"expired-{stem}.test", m => m with { ExpiresAt = m.IssuedAt.AddMinutes(-1) });
        using var client = ApiClient.For(world.BaseAddress.ToString(), LocalWorldFixture.PartnerKey);
        using var log = new StringWriter();

        var summary = await PartnerCommand.PullAsync(client, _rpz, TimeProvider.System, log, CancellationToken.None);

        Assert.True(summary.Applied >= 1 && summary.Refused >= 3, log.ToString());
        var zone = RpzZoneFile.Load(_rpz);
        Assert.Equal(good.ActionId, zone.Entries[$"good-{stem}.test"]);
        Assert.DoesNotContain(zone.Entries.Keys, k => k.Contains(stem, StringComparison.Ordinal) && !k.StartsWith("good-", StringComparison.Ordinal));
        var states = (await world.Http.GetFromJsonAsync<List<PartnerAction>>(new Uri($"/api/cases/tampered-{stem}.test/actions", UriKind.Relative), CoreJson.Default.Options))!;
        Assert.Equal(ActionStates.Refused, Assert.Single(states).State);
        Assert.Equal("the signature does not verify", states[0].Note);
        Assert.Contains($"refused {unknownKey.ActionId}: unknown key id", log.ToString(), StringComparison.Ordinal);
        Assert.Contains($"refused {expired.ActionId}: expired at", log.ToString(), StringComparison.Ordinal);
        Assert.Contains($"refused {tampered.ActionId}", log.ToString(), StringComparison.Ordinal);
        keyDir.Delete(recursive: true);
    }

    [Fact]
    public void RpzZoneFile_KeepsItsEntriesAndRaisesTheSerialOnEverySave()
    {
        var zone = RpzZoneFile.Load(_rpz);
        zone.Block(["a.test"], wholeDomain: true, "a1");
        zone.Save(DateTimeOffset.FromUnixTimeSeconds(2_000_000_000));
        var first = RpzZoneFile.Load(_rpz);
        first.Unblock(["a.test"]);
        first.Block(["b.test"], wholeDomain: false, "a2");
        first.Save(DateTimeOffset.FromUnixTimeSeconds(2_000_000_000)); // same second: still rises

        var second = RpzZoneFile.Load(_rpz);

        Assert.Equal(["b.test"], second.Entries.Keys);
        Assert.Equal(2_000_000_001u, second.Serial);
    }

    public void Dispose()
    {
        if (File.Exists(_rpz)) File.Delete(_rpz);
    }
}
