using DomainScreen.Core.Domains;
using DomainScreen.Core.Fetching;
using DomainScreen.Core.Registration;
using DomainScreen.Core.Screening;
using DomainScreen.Core.Storage;
using DomainScreen.Local.Lab;
using DomainScreen.Local.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace DomainScreen.Local.Tests.Lab;

/// <summary>Evidence collection against the lab's real DNS, web, RDAP and WHOIS servers.</summary>
[Collection(LocalWorldCollection.Name)]
public sealed class LabEvidenceTests(LocalWorldFixture world)
{
    private static readonly ScreenRequest Request = new(1, "lab-test", ScreenRequest.SubmissionSource, "lab-test", [], DateTimeOffset.UnixEpoch);

    private Task<ScreeningResult> ScreenAsync(string domain)
    {
        var parser = world.App.Services.GetRequiredService<DomainParser>();
        return world.App.Services.GetRequiredService<DomainScreener>().ScreenAsync(parser.Parse(domain), Request,
            world.App.Services.GetRequiredService<DomainScreen.Core.Fingerprints.CatalogProvider>().Current, CancellationToken.None);
    }

    public static TheoryData<string> SitesWithExpectations()
    {
        var data = new TheoryData<string>();
        foreach (var site in LabManifest.Load().Sites.Where(s => s.Expect is not null)) data.Add(site.Domain);
        return data;
    }

    /// <summary>The lab corpus: every site's DNS status, fetch outcome, band, product and category as written in sites.json.</summary>
    [Theory]
    [MemberData(nameof(SitesWithExpectations))]
    public async Task EveryLabSite_MeetsItsExpectation(string domain)
    {
        var site = world.Lab.Manifest.Sites.Single(s => s.Domain == domain);

        var result = await ScreenAsync(domain);

        Assert.Equal(ScreeningResult.Completed, result.Status);
        Assert.Equal(ScreeningStages.Scored, result.Stage);
        Assert.True(result.Fetch!.BodyBytes <= new FetchOptions().MaxBodyBytes);
        Assert.Empty(site.Expect!.Mismatches(result));
    }

    [Fact]
    public void LabCorpus_HasTheSpreadTheIssueAsksFor()
    {
        var sites = world.Lab.Manifest.Sites.Where(s => s.Expect?.Band is not null).ToList();

        Assert.True(sites.Count >= 40, $"{sites.Count} sites with expected verdicts");
        foreach (var group in new[] { "ai-tool", "abuse", "licensed", "benign", "parked" }) Assert.Contains(sites, s => s.Expect!.Group == group);
    }

    [Fact]
    public async Task SlowDrip_EndsWithinTheDomainBudget_KeepingWhatArrived()
    {
        var result = await ScreenAsync("slow-drip.test");

        Assert.Equal(FetchOutcomes.Timeout, result.Fetch!.Outcome);
        Assert.Equal("Slow", result.Fetch.Title);
        // The screen ends at the lab's budget plus scheduling slack, never runs on with the drip.
        var budgetMs = int.Parse(world.Lab.Settings["Fetching:TotalTimeoutSeconds"]!, System.Globalization.CultureInfo.InvariantCulture) * 1000;
        Assert.InRange(result.Fetch.ElapsedMs, budgetMs - 1_000, budgetMs + 3_000);
    }

    /// <summary>
    /// Through the queue path: a batch with a page read to the 2 MiB cap (far past the free 64 KiB, so it draws on the
    /// page-memory budget) is screened whole, and every unit its screens held is back once the batch is stored.
    /// </summary>
    [Fact]
    public async Task ABatchWithALargePage_GivesItsPageMemoryBackOnceStored()
    {
        var memory = world.App.Services.GetRequiredService<PageMemory>();
        var processor = world.App.Services.GetRequiredService<ScreenBatchProcessor>();
        var message = """{"v":1,"requestId":"page-memory","source":"submission","runId":"page-memory","domains":["gzip-bomb.test","news-daily.test","comfy-ui.test"],"requestedAt":"2026-12-02T10:00:00Z"}""";

        var results = await processor.ProcessAsync(message, CancellationToken.None);

        var bomb = results.Single(r => r.Domain == "gzip-bomb.test");
        Assert.Equal(2 * 1024 * 1024, bomb.Fetch!.BodyBytes);
        Assert.True(bomb.Fetch.Truncated);
        Assert.Equal(0, memory.InUse);
        Assert.Equal(0, memory.Waiting);
    }

    /// <summary>
    /// Through the queue path: a batch holds and hands over an unflagged result abridged (no DNS answer records, hops,
    /// headers or contributions) while storing it whole, and keeps a flagged one — which opens a case — whole.
    /// </summary>
    [Fact]
    public async Task ABatch_HandsOverUnflaggedResultsAbridged_AndStoresThemWhole()
    {
        var processor = world.App.Services.GetRequiredService<ScreenBatchProcessor>();
        var stored = world.App.Services.GetRequiredService<ResultStore>();
        var requestedAt = new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);
        string Message(string id) => System.Text.Json.JsonSerializer.Serialize(new ScreenRequest(1, id, ScreenRequest.SubmissionSource, "abridged",
            ["news-daily.test", "comfy-ui.test"], requestedAt), DomainScreen.Core.CoreJson.Default.ScreenRequest);
        var results = await processor.ProcessAsync(Message("abridged-1"), CancellationToken.None);

        var news = results.Single(r => r.Domain == "news-daily.test");
        Assert.Equal(DomainScreen.Core.Scoring.Bands.Clear, news.Verdict!.Band);
        Assert.True(news.IsAbridged);
        Assert.Empty(news.Dns!.Answers);
        Assert.Empty(news.Fetch!.Headers);
        Assert.Empty(news.Fetch.Attempts);
        var whole = await stored.GetAsync("news-daily.test", requestedAt, "abridged-1", CancellationToken.None);
        Assert.False(whole!.IsAbridged);
        Assert.NotEmpty(whole.Dns!.Answers);
        Assert.NotEmpty(whole.Fetch!.Headers);
        Assert.NotEmpty(whole.Fetch.Attempts);
        Assert.Equal((whole.Verdict!.Score, whole.Verdict.Band, whole.Fetch.BodySha256, whole.Dns.Status, whole.Fetch.Outcome),
            (news.Verdict.Score, news.Verdict.Band, news.Fetch.BodySha256, news.Dns.Status, news.Fetch.Outcome));

        var comfy = results.Single(r => r.Domain == "comfy-ui.test");
        Assert.True(DomainScreen.Core.Review.CaseRules.IsFlagged(comfy.Verdict!.Band));
        Assert.False(comfy.IsAbridged);
        Assert.NotEmpty(comfy.Fetch!.Headers);
        Assert.NotEmpty(comfy.Verdict.Evidence);
    }

    [Fact]
    public async Task GzipBomb_DecompressesOnlyUpToTheCap()
    {
        var before = GC.GetTotalAllocatedBytes(precise: true);

        var result = await ScreenAsync("gzip-bomb.test");

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.True(result.Fetch!.Truncated);
        Assert.Equal(2 * 1024 * 1024, result.Fetch.BodyBytes);
        Assert.True(allocated < 64L * 1024 * 1024, $"allocated {allocated / 1024 / 1024} MiB fetching a 256 MiB bomb");
    }

    [Fact]
    public async Task HugePage_IsCappedAndMarkedTruncated()
    {
        var result = await ScreenAsync("huge-page.test");

        Assert.True(result.Fetch!.Truncated);
        Assert.Equal(2 * 1024 * 1024, result.Fetch.RawBody.Length);
        Assert.Equal("Twenty mebibytes", result.Fetch.Title);
    }

    [Fact]
    public async Task SelfSignedTls_IsFetchedAndRecordedInvalid()
    {
        var tls = (await ScreenAsync("tls-self-signed.test")).Fetch!.Tls!;

        Assert.False(tls.ChainValid);
        Assert.True(tls.SelfSigned);
        Assert.Contains("tls-self-signed.test", tls.SubjectAltNames);
        Assert.NotEmpty(tls.ChainErrors);
    }

    [Fact]
    public async Task RedirectChains_AreEvidence()
    {
        var same = (await ScreenAsync("redirect-same.test")).Fetch!;
        Assert.Equal("http://redirect-same.test/landing", same.FinalUrl);
        Assert.Equal([302, 301, 200], same.Attempts[^1].Hops.Select(h => h.Status));

        var cross = (await ScreenAsync("redirect-cross.test")).Fetch!;
        Assert.True(cross.CrossDomainRedirect);
        Assert.Equal("http://news-daily.test/", cross.FinalUrl);

        var metadata = (await ScreenAsync("redirect-metadata.test")).Fetch!;
        Assert.Contains("169.254.169.254", metadata.Attempts[^1].Hops[^1].Url, StringComparison.Ordinal);
        Assert.Equal(FetchOutcomes.BlockedAddress, metadata.Outcome);
    }

    [Theory]
    [InlineData("gbk-page.test", "gb18030", "本地生活服务网 - 商家黄页")]
    [InlineData("gbk-meta.test", "gb18030", "本地生活服务网 - 商家黄页")]
    [InlineData("big5-page.test", "big5", "社區活動公告 - 里民中心")]
    public async Task LegacyChineseCharsets_AreDecoded(string domain, string charset, string title)
    {
        var fetch = (await ScreenAsync(domain)).Fetch!;

        Assert.Equal(charset, fetch.Charset);
        Assert.Equal(title, fetch.Title);
    }

    [Fact]
    public async Task Favicon_HashedForShodanPivot()
    {
        var favicon = (await ScreenAsync("city-bank.test")).Fetch!.Favicon!;

        Assert.Equal("ok", favicon.Outcome);
        Assert.Equal(200, favicon.Status);
        Assert.NotNull(favicon.Mmh3);
        Assert.Equal(64, favicon.Sha256!.Length);
    }

    [Fact]
    public async Task Registration_FromRdapWithNestedAbuseContact()
    {
        var registration = (await ScreenAsync("faceswap-studio.test")).Registration!;

        Assert.Equal(("rdap", RegistrationOutcomes.Found), (registration.Source, registration.Outcome));
        Assert.Equal("Cheap Names Registrar Ltd.", registration.Registrar);
        Assert.Equal("4242", registration.RegistrarIanaId);
        Assert.Equal("abuse@cheapnames.test", registration.AbuseEmail);
        Assert.InRange((TimeProvider.System.GetUtcNow() - registration.Created!.Value).TotalDays, 11, 13);
    }

    [Fact]
    public async Task Registration_WhoisFallbackForTldWithoutRdap()
    {
        var registration = (await ScreenAsync("whois-only.example")).Registration!;

        Assert.Equal(("whois", RegistrationOutcomes.Found), (registration.Source, registration.Outcome));
        Assert.Equal("Example WHOIS Registrar", registration.Registrar);
        Assert.Equal("abuse@whois-registrar.test", registration.AbuseEmail);
    }

    [Fact]
    public async Task Registration_429And404_AreRecordedOutcomes()
    {
        Assert.Equal(RegistrationOutcomes.RateLimited, (await ScreenAsync("rdap-limited.test")).Registration!.Outcome);
        Assert.Equal(RegistrationOutcomes.NotFound, (await ScreenAsync("gone-away.test")).Registration!.Outcome);
    }

    [Fact]
    public async Task Registration_ManyHostsOfOneDomain_OneLookupShared()
    {
        var lookup = world.App.Services.GetRequiredService<RegistrationLookup>();
        var parser = world.App.Services.GetRequiredService<DomainParser>();

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => lookup.LookupAsync(parser.Parse($"h{i}.wild-card.test"), CancellationToken.None)));

        Assert.All(results, r => Assert.Equal("wild-card.test", r.Domain));
        Assert.Single(results.Select(r => r.FetchedAt).Distinct());
    }

    [Fact]
    public async Task EvidenceBlobs_AreContentAddressedAndStoredOnce()
    {
        var store = world.App.Services.GetRequiredService<EvidenceStore>();
        var a = (await ScreenAsync("www.news-daily.test")).Fetch!;
        var b = (await ScreenAsync("whois-only.example")).Fetch!;
        Assert.Equal(a.BodySha256, b.BodySha256);

        await store.SaveAsync(a, CancellationToken.None);
        await store.SaveAsync(b, CancellationToken.None);

        var stored = await store.GetAsync(a.BodySha256!, CancellationToken.None);
        Assert.Equal(a.RawBody.ToArray(), stored!.ToArray());
        var storage = world.App.Services.GetRequiredService<StorageClients>();
        var blobs = new List<string>();
        await foreach (var blob in storage.Evidence.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, EvidenceStore.BlobName(a.BodySha256!), CancellationToken.None)) blobs.Add(blob.Name);
        Assert.Single(blobs);
    }

    /// <summary>
    /// Screens city-bank.test directly (for its bytes and digest), deletes its evidence blobs, and returns a processor
    /// with its own evidence store (the shared one remembers hashes other tests stored and would skip the upload).
    /// </summary>
    private async Task<(FetchEvidence Direct, string Digest, ScreenBatchProcessor Processor, EvidenceStore Evidence, StorageClients Storage)> FreshEvidenceAsync()
    {
        var services = world.App.Services;
        var storage = services.GetRequiredService<StorageClients>();
        var screened = await ScreenAsync("city-bank.test");
        var direct = screened.Fetch!;
        foreach (var hash in new[] { direct.BodySha256!, direct.Favicon!.Sha256! }) await storage.Evidence.DeleteBlobIfExistsAsync(EvidenceStore.BlobName(hash));
        var evidence = new EvidenceStore(storage);
        return (direct, ResultDigest.Of(screened), ActivatorUtilities.CreateInstance<ScreenBatchProcessor>(services, evidence), evidence, storage);
    }

    private static string Message(string requestId, IReadOnlyDictionary<string, string>? known = null) =>
        System.Text.Json.JsonSerializer.Serialize(new ScreenRequest(1, requestId, ScreenRequest.SubmissionSource, "content-test",
            ["city-bank.test"], DateTimeOffset.UnixEpoch, known), DomainScreen.Core.CoreJson.Default.ScreenRequest);

    [Fact]
    public async Task BatchProcessing_StoresEvidenceAsEachScreenEnds_AndItsResultsKeepNoPageContent()
    {
        var (direct, _, processor, evidence, _) = await FreshEvidenceAsync();
        using var _ = evidence;

        var fetch = Assert.Single(await processor.ProcessAsync(Message("content-test-00000"), CancellationToken.None)).Fetch!;

        Assert.Null(fetch.Body);
        Assert.True(fetch.RawBody.IsEmpty);
        Assert.True(fetch.RawFavicon.IsEmpty);
        Assert.Equal(direct.BodySha256, fetch.BodySha256);
        Assert.Equal(direct.BodyBytes, fetch.BodyBytes);
        Assert.Equal(direct.RawBody.ToArray(), (await evidence.GetAsync(direct.BodySha256!, CancellationToken.None))!.ToArray());
        Assert.Equal(direct.RawFavicon.ToArray(), (await evidence.GetAsync(direct.Favicon!.Sha256!, CancellationToken.None))!.ToArray());
    }

    /// <summary>A repeated sweep's unchanged result (the digest it was queued with) uploads no evidence: its blobs are already stored.</summary>
    [Fact]
    public async Task BatchProcessing_UnchangedResult_UploadsNoEvidence()
    {
        var (direct, digest, processor, evidence, _) = await FreshEvidenceAsync();
        using var _ = evidence;

        var result = Assert.Single(await processor.ProcessAsync(Message("content-test-00001", new Dictionary<string, string> { ["city-bank.test"] = digest }),
            CancellationToken.None));

        // The screen did come out unchanged: no result row for this request (the batch hands it over abridged).
        Assert.True(result.IsAbridged);
        Assert.Null(await world.App.Services.GetRequiredService<ResultStore>().GetAsync("city-bank.test", DateTimeOffset.UnixEpoch, "content-test-00001", CancellationToken.None));
        Assert.Null(await evidence.GetAsync(direct.BodySha256!, CancellationToken.None));
        Assert.Null(await evidence.GetAsync(direct.Favicon!.Sha256!, CancellationToken.None));
    }

    /// <summary>An RDAP server that takes the request and never answers.</summary>
    private sealed class SilentRdap : HttpMessageHandler, IHttpClientFactory
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        }

        public HttpClient CreateClient(string name) => new(this, disposeHandler: false);
    }

    private sealed class NoCache : IRegistrationCache
    {
        public Task<IReadOnlyList<RegistrationEvidence>> GetManyAsync(IReadOnlyCollection<string> domains, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<RegistrationEvidence>>([]);

        public Task SetManyAsync(IReadOnlyCollection<RegistrationEvidence> evidence, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>A store with nothing in it that counts the reads of one domain (a screen's own read, not a batch's prefetch).</summary>
    private sealed class CountingEmptyCache : IRegistrationCache
    {
        private int _singleReads;

        public int SingleReads => Volatile.Read(ref _singleReads);

        public Task<IReadOnlyList<RegistrationEvidence>> GetManyAsync(IReadOnlyCollection<string> domains, CancellationToken cancellationToken)
        {
            if (domains.Count == 1) Interlocked.Increment(ref _singleReads);
            return Task.FromResult<IReadOnlyList<RegistrationEvidence>>([]);
        }

        public Task SetManyAsync(IReadOnlyCollection<RegistrationEvidence> evidence, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    [Fact]
    public async Task Registration_PrefetchedAsNotStored_IsNotReadAgain_WhenTheLookupsMemoryIsFull()
    {
        var services = world.App.Services;
        var cache = new CountingEmptyCache();
        using var lookup = ActivatorUtilities.CreateInstance<RegistrationLookup>(services, (IRegistrationCache)cache);
        // Earlier batches of a long sweep: as many registrable domains as the lookup keeps in memory.
        foreach (var chunk in Enumerable.Range(0, RegistrationLookup.MemoryEntries).Chunk(50))
        {
            await lookup.PrefetchAsync(chunk.Select(i => $"earlier-{i}.test"), CancellationToken.None);
        }
        await lookup.PrefetchAsync(["faceswap-studio.test", "news-daily.test"], CancellationToken.None);

        var evidence = await lookup.LookupAsync(services.GetRequiredService<DomainParser>().Parse("faceswap-studio.test"), CancellationToken.None);

        Assert.Equal(0, cache.SingleReads); // the prefetch's "not stored" mark was kept: straight to RDAP
        Assert.Equal(("faceswap-studio.test", "rdap"), (evidence.Domain, evidence.Source));
    }

    [Fact]
    public async Task Registration_StillQueuedAfterTheRestOfTheEvidence_DoesNotHoldTheScreen()
    {
        var services = world.App.Services;
        using var silent = new SilentRdap();
        using var lookup = ActivatorUtilities.CreateInstance<RegistrationLookup>(services, (IHttpClientFactory)silent, new NoCache());
        var screener = ActivatorUtilities.CreateInstance<DomainScreener>(services, lookup,
            Microsoft.Extensions.Options.Options.Create(new ScreeningOptions { RegistrationGraceSeconds = 1, DomainTimeoutSeconds = 600 }));
        var parser = services.GetRequiredService<DomainParser>();

        var result = await screener.ScreenAsync(parser.Parse("faceswap-studio.test"), Request,
            services.GetRequiredService<DomainScreen.Core.Fingerprints.CatalogProvider>().Current, CancellationToken.None);

        // Scored on the rest of the evidence (the budget is ten minutes, the RDAP server never answers).
        Assert.Equal((ScreeningResult.Completed, ScreeningStages.Scored), (result.Status, result.Stage));
        Assert.Equal(RegistrationOutcomes.RateLimited, result.Registration!.Outcome);
        Assert.Contains("continues", result.Registration.Error, StringComparison.Ordinal);
        Assert.Contains(result.Verdict!.Band, new[] { "review", "block" });
    }
    [Fact]
    public async Task Registration_FarBackInTheRateLimitQueue_IsNotWaitedFor()
    {
        var services = world.App.Services;
        var lab = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<RegistrationOptions>>().Value;
        // One request a second to the lab's RDAP server, which never answers; a clock that never moves, so a screen that
        // waited out its grace would never return.
        var options = new RegistrationOptions { BootstrapUrl = lab.BootstrapUrl, RequestsPerSecondPerServer = 1, TimeoutSeconds = 60 };
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(TimeProvider.System.GetUtcNow());
        using var silent = new SilentRdap();
        using var lookup = ActivatorUtilities.CreateInstance<RegistrationLookup>(services, (IHttpClientFactory)silent, new NoCache(),
            (TimeProvider)clock, Microsoft.Extensions.Options.Options.Create(options));
        var screener = ActivatorUtilities.CreateInstance<DomainScreener>(services, lookup, (TimeProvider)clock,
            Microsoft.Extensions.Options.Options.Create(new ScreeningOptions { RegistrationGraceSeconds = 5, DomainTimeoutSeconds = 600 }));
        var parser = services.GetRequiredService<DomainParser>();
        // Thirty lookups ahead of the screen's: its turn is half a minute away.
        var ahead = Enumerable.Range(0, 30).Select(i => lookup.LookupAsync(parser.Parse($"queued-{i}.test"), CancellationToken.None)).ToList();
        Assert.All(ahead, t => Assert.False(t.IsCompleted));

        var result = await screener.ScreenAsync(parser.Parse("faceswap-studio.test"), Request,
            services.GetRequiredService<DomainScreen.Core.Fingerprints.CatalogProvider>().Current, CancellationToken.None)
            .WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Equal((ScreeningResult.Completed, ScreeningStages.Scored), (result.Status, result.Stage));
        Assert.Equal(RegistrationOutcomes.RateLimited, result.Registration!.Outcome);
        Assert.Contains("from its turn", result.Registration.Error, StringComparison.Ordinal);
    }
}
