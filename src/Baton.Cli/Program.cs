using System.CommandLine;
using Baton.Cli.Commands;
using Baton.Core;

namespace Baton.Cli;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        // Hot paths that agents and git call on every tool call or commit: no parser, no store.
        if (args.Length > 0 && args[0] == "hook")
        {
            return Baton.Infrastructure.Hooks.HookRecorder.Run(args.Length > 1 ? args[1..] : []);
        }

        if (args.Length > 0 && args[0] == "guard")
        {
            return GuardCommand.Run(args);
        }

        var root = new RootCommand("Baton runs a team of AI coding agents on one repository, each in its own tmux session.");
        root.Subcommands.Add(InitCommand.Create());
        root.Subcommands.Add(SpawnCommand.Create());
        root.Subcommands.Add(ListCommand.Create());
        root.Subcommands.Add(CaptureCommand.Create());
        root.Subcommands.Add(SendCommand.Create());
        root.Subcommands.Add(AttachCommand.Create());
        root.Subcommands.Add(KillCommand.Create());
        root.Subcommands.Add(KillCommand.CreateAll());
        root.Subcommands.Add(RoleCommand.Create());
        root.Subcommands.Add(RoleCommand.CreateDirective());
        root.Subcommands.Add(RoleCommand.CreateMemory());
        root.Subcommands.Add(TicketCommand.Create());
        root.Subcommands.Add(FeatureCommand.Create());
        root.Subcommands.Add(StatusCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());
        root.Subcommands.Add(InboxCommand.Create());
        root.Subcommands.Add(EventsCommand.Create());
        root.Subcommands.Add(ScriptedAgentCommand.Create());
        root.Subcommands.Add(HeadlessRunCommand.Create());
        root.Subcommands.Add(UpCommand.Create());
        root.Subcommands.Add(UpCommand.CreateDown());
        root.Subcommands.Add(ProphetCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(WipCommand.Create());
        root.Subcommands.Add(ConflictsCommand.Create());
        root.Subcommands.Add(MergeCommand.CreateQueue());
        root.Subcommands.Add(MergeCommand.CreateMerge());
        root.Subcommands.Add(SyncStatusCommand.Create());
        root.Subcommands.Add(SyncStatusCommand.CreateHooks());
        root.Subcommands.Add(UsageCommand.Create());
        root.Subcommands.Add(DoctorCommand.Create());
        root.Subcommands.Add(PrCommand.Create());
        root.Subcommands.Add(GitHubCommand.Create());

        // Prompts may start with "@": never read them as response files.
        var parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parsed.Errors.Count > 0)
        {
            var names = new List<string>();
            for (var result = parsed.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
            {
                names.Insert(0, result.Command == root ? "baton" : result.Command.Name);
            }

            var path = string.Join(' ', names);
            await Console.Error.WriteLineAsync($"baton: {parsed.Errors[0].Message} (see `{path} --help`)").ConfigureAwait(false);
            return BatonException.UsageExitCode;
        }

        return await parsed.InvokeAsync().ConfigureAwait(false);
    }
}
