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
        var root = CreateRoot(output, environment ?? CliEnvironment.Process(), args.Length > 0 ? args[0] : null);

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

    /// <summary>
    /// Every top-level command with the names it answers to, in help order. A run builds only the
    /// command its first word names (an agent's `ticket show` does not pay for the other 50
    /// commands' options); help, an unknown word and tests build them all. A test checks these
    /// names against the commands the factories make.
    /// </summary>
    public static readonly CommandFactory[] Commands =
    [
        new(["init"], InitCommand.Create),
        new(["spawn"], SpawnCommand.Create),
        new(["sandbox"], SandboxCommand.Create),
        new(["credentials"], CredentialsCommand.Create),
        new(["list", "ls"], ListCommand.Create),
        new(["capture"], CaptureCommand.Create),
        new(["send"], SendCommand.Create),
        new(["attach"], AttachCommand.Create),
        new(["kill"], KillCommand.Create),
        new(["kill-all"], KillCommand.CreateAll),
        new(["nudge"], WorkerActionCommand.CreateNudge),
        new(["approve"], WorkerActionCommand.CreateApprove),
        new(["role"], RoleCommand.Create),
        new(["directive"], RoleCommand.CreateDirective),
        new(["memory"], RoleCommand.CreateMemory),
        new(["ticket", "tickets"], TicketCommand.Create),
        new(["feature"], FeatureCommand.Create),
        new(["status"], StatusCommand.Create),
        new(["export"], ExportCommand.Create),
        new(["inbox"], InboxCommand.Create),
        new(["events"], EventsCommand.Create),
        new(["notify"], NotifyCommand.Create),
        new(["dashboard"], DashboardCommand.Create),
        new(["scripted-agent"], ScriptedAgentCommand.Create),
        new(["headless-run"], HeadlessRunCommand.Create),
        new(["up"], UpCommand.Create),
        new(["down"], UpCommand.CreateDown),
        new(["prophet"], ProphetCommand.Create),
        new(["demo"], DemoCommand.Create),
        new(["wip"], WipCommand.Create),
        new(["store"], StoreCommand.Create),
        new(["node"], NodeCommand.Create),
        new(["nodes"], NodesCommand.Create),
        new(["handoff"], HandoffCommand.Create),
        new(["handoffs"], HandoffCommand.CreateList),
        new(["conflicts"], ConflictsCommand.Create),
        new(["gate"], GateCommand.Create),
        new(["gates"], GateCommand.CreateList),
        new(["ci"], CiCommand.Create),
        new(["gc"], GcCommand.Create),
        new(["emergency-stop"], EmergencyStopCommand.Create),
        new(["validate"], ValidateCommand.Create),
        new(["service"], ServiceCommand.Create),
        new(["merge-queue"], MergeCommand.CreateQueue),
        new(["merge"], MergeCommand.CreateMerge),
        new(["sync-status"], SyncStatusCommand.Create),
        new(["hooks"], SyncStatusCommand.CreateHooks),
        new(["usage"], UsageCommand.Create),
        new(["budget"], BudgetCommand.Create),
        new(["doctor"], DoctorCommand.Create),
        new(["pr"], PrCommand.Create),
        new(["github"], GitHubCommand.Create),
        new(["plan"], PlanCommand.Create),
        new(["synthesize"], SynthesizeCommand.Create),
        new(["mcp"], McpCommand.Create),
    ];

    /// <summary>Every command of `baton`, writing to <paramref name="output"/> (tests walk this tree).</summary>
    public static RootCommand CreateRoot(CliOutput output, CliEnvironment environment) => CreateRoot(output, environment, null);

    /// <summary>The root with only the command <paramref name="first"/> names, or with all when it names none.</summary>
    public static RootCommand CreateRoot(CliOutput output, CliEnvironment environment, string? first)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(environment);
        var root = new BatonRootCommand(output, environment);
        var only = first is null ? null : Array.Find(Commands, c => c.Names.Contains(first, StringComparer.Ordinal));
        foreach (var factory in only is null ? Commands : [only])
        {
            root.Subcommands.Add(factory.Create());
        }

        return root;
    }
}
