using System.CommandLine;
using DomainScreen.Local.Cli;

var root = new RootCommand("domainscreen: screen domains for AI-abuse services, on one machine (local runtime, lab, CLI).");
root.Subcommands.Add(ServeCommand.Create());
root.Subcommands.Add(LabCommand.Create());
root.Subcommands.Add(DemoCommand.Create());
root.Subcommands.Add(ScreenCommand.Create());
root.Subcommands.Add(InspectCommand.Create());
root.Subcommands.Add(RescoreCommand.Create());
root.Subcommands.Add(CalibrateCommand.Create());
root.Subcommands.Add(CasesCommand.Create());
root.Subcommands.Add(AllowlistCommand.Create());
root.Subcommands.Add(AllowlistCommand.Audit());
root.Subcommands.Add(PartnerCommand.Create());
root.Subcommands.Add(ExportCommand.Create());
root.Subcommands.Add(SweepCommands.Candidates());
root.Subcommands.Add(SweepCommands.Sweep());
return await root.Parse(args).InvokeAsync();
