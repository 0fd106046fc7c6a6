using BenchmarkDotNet.Running;
using DomainScreen.Benchmarks;

// `dotnet run -c Release -- sweep …` runs the end-to-end sweep harness (see sweep.sh); anything else goes to
// BenchmarkDotNet, e.g. `dotnet run -c Release -- --filter '*Engine*'`.
if (args.Length > 0 && args[0] == "sweep") return await SweepHarness.RunAsync(args[1..]);
if (args.Length > 0 && args[0] == "sweep-worker") return await SweepHarness.WorkerAsync(args[1..]);
if (args.Length > 0 && args[0] == "profile") return Profile.Run(args[1..]);
if (args.Length > 0 && args[0] == "engineab") return EngineAb.Run(args[1..]);
if (args.Length > 0 && args[0] == "azurite") return await AzuriteProbe.RunAsync(args[1..]);
if (args.Length > 0 && args[0] == "dns") return await DnsProbe.RunAsync(args[1..]);
if (args.Length > 0 && args[0] == "zone") return await ZoneFeedProbe.RunAsync(args[1..]);
if (args.Length > 0 && args[0] == "enginepeer") return EnginePeerProbe.Run(args[1..]);
if (args.Length > 0 && args[0] == "sweepstart") return await SweepStartProbe.RunAsync(args[1..]);
if (args.Length > 0 && args[0] == "caselist") return await CaseListProbe.RunAsync(args[1..]);
BenchmarkSwitcher.FromAssembly(typeof(Corpus).Assembly).Run(args);
return 0;
