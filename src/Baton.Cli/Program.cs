using System.CommandLine;
using Baton.Cli.Commands;
using Baton.Cli.Host;
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

        return await RunAsync(args, CliOutput.Terminal(), CliEnvironment.Process()).ConfigureAwait(false);
    }

    /// <summary>
    /// Parses and runs one command with its output going to <paramref name="output"/> (the terminal
    /// from <see cref="Main"/>, captured writers in a test) and the directory and variables of
    /// <paramref name="environment"/>.
    /// </summary>
    public static async Task<int> RunAsync(string[] args, CliOutput output, CliEnvironment? environment = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        var root = CreateRoot(output, environment ?? CliEnvironment.Process());

        // Prompts may start with "@": never read them as response files.
        var parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parsed.Errors.Count > 0)
        {
            await output.Error.WriteLineAsync("baton: " + UsageErrors.Describe(parsed)).ConfigureAwait(false);
            return BatonException.UsageExitCode;
        }

        if (parsed.Action is System.CommandLine.Help.HelpAction)
        {
            // Help is written to a buffer and relabelled: optional arguments shown as optional.
            using var help = new StringWriter();
            var code = await parsed.InvokeAsync(new InvocationConfiguration { Output = help, Error = output.Error }).ConfigureAwait(false);
            await output.Out.WriteAsync(HelpLabels.Rewrite(help.ToString(), parsed.CommandResult.Command)).ConfigureAwait(false);
            return code;
        }

        // No termination timeout: `baton up` handles SIGTERM and Ctrl-C itself and finishes the work under
        // way; a timeout here would end the process first (exit 143). Pinned, as the library's default moves.
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output.Out, Error = output.Error, ProcessTerminationTimeout = null }).ConfigureAwait(false);
    }

    /// <summary>Every command of `baton`, writing to <paramref name="output"/> (tests walk this tree).</summary>
    public static RootCommand CreateRoot(CliOutput output, CliEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(environment);
        var root = new BatonRootCommand(output, environment);
        root.Subcommands.Add(InitCommand.Create());
        root.Subcommands.Add(SpawnCommand.Create());
        root.Subcommands.Add(SandboxCommand.Create());
        root.Subcommands.Add(CredentialsCommand.Create());
        root.Subcommands.Add(ListCommand.Create());
        root.Subcommands.Add(CaptureCommand.Create());
        root.Subcommands.Add(SendCommand.Create());
        root.Subcommands.Add(AttachCommand.Create());
        root.Subcommands.Add(KillCommand.Create());
        root.Subcommands.Add(KillCommand.CreateAll());
        root.Subcommands.Add(WorkerActionCommand.CreateNudge());
        root.Subcommands.Add(WorkerActionCommand.CreateApprove());
        root.Subcommands.Add(RoleCommand.Create());
        root.Subcommands.Add(RoleCommand.CreateDirective());
        root.Subcommands.Add(RoleCommand.CreateMemory());
        root.Subcommands.Add(TicketCommand.Create());
        root.Subcommands.Add(FeatureCommand.Create());
        root.Subcommands.Add(StatusCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());
        root.Subcommands.Add(InboxCommand.Create());
        root.Subcommands.Add(EventsCommand.Create());
        root.Subcommands.Add(NotifyCommand.Create());
        root.Subcommands.Add(DashboardCommand.Create());
        root.Subcommands.Add(ScriptedAgentCommand.Create());
        root.Subcommands.Add(HeadlessRunCommand.Create());
        root.Subcommands.Add(UpCommand.Create());
        root.Subcommands.Add(UpCommand.CreateDown());
        root.Subcommands.Add(ProphetCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(WipCommand.Create());
        root.Subcommands.Add(StoreCommand.Create());
        root.Subcommands.Add(NodeCommand.Create());
        root.Subcommands.Add(NodesCommand.Create());
        root.Subcommands.Add(HandoffCommand.Create());
        root.Subcommands.Add(HandoffCommand.CreateList());
        root.Subcommands.Add(ConflictsCommand.Create());
        root.Subcommands.Add(GateCommand.Create());
        root.Subcommands.Add(GateCommand.CreateList());
        root.Subcommands.Add(CiCommand.Create());
        root.Subcommands.Add(GcCommand.Create());
        root.Subcommands.Add(EmergencyStopCommand.Create());
        root.Subcommands.Add(ValidateCommand.Create());
        root.Subcommands.Add(ServiceCommand.Create());
        root.Subcommands.Add(MergeCommand.CreateQueue());
        root.Subcommands.Add(MergeCommand.CreateMerge());
        root.Subcommands.Add(SyncStatusCommand.Create());
        root.Subcommands.Add(SyncStatusCommand.CreateHooks());
        root.Subcommands.Add(UsageCommand.Create());
        root.Subcommands.Add(BudgetCommand.Create());
        root.Subcommands.Add(DoctorCommand.Create());
        root.Subcommands.Add(PrCommand.Create());
        root.Subcommands.Add(GitHubCommand.Create());
        root.Subcommands.Add(PlanCommand.Create());
        root.Subcommands.Add(SynthesizeCommand.Create());
        root.Subcommands.Add(McpCommand.Create());

        return root;
    }
}
