using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Baton.Cli.Host;
using Baton.Cli.Rendering;
using Baton.Core;
using Baton.Core.Processes;

namespace Baton.Cli.Commands;

/// <summary>
/// `baton demo`: a sample repository in a temp folder, six tickets with a dependency chain and a
/// gate that fails once and is then fixed, run to completion by `baton up` with scripted agents.
/// Every step is a real `baton` command in a child process, on a tmux server of its own.
/// </summary>
internal static class DemoCommand
{
    private const string TestScript = """
        #!/bin/sh
        # The demo project's test suite: every module in src/ must exist and contain no BUG.
        passed=0; failed=0
        for f in src/*.txt; do
          [ -e "$f" ] || continue
          if grep -q BUG "$f"; then echo "FAIL $f: contains BUG"; failed=$((failed+1)); else echo "ok   $f"; passed=$((passed+1)); fi
        done
        echo "$passed passed, $failed failed"
        [ "$failed" -eq 0 ]

        """;

    private static readonly (string Title, string Priority, string DependsOn, string Body)[] Tickets =
    [
        ("Add the greeting module", "high", "", """
            Write the greeting module.
            @say Writing the greeting module
            @sleep 1
            @write src/greeting.txt Hello from the greeting module.
            @commit T-1: add the greeting module
            @run baton ticket done T-1 --summary "src/greeting.txt added"
            """),
        ("Add the farewell module", "high", "", """
            Write the farewell module.
            @say Writing the farewell module
            @sleep 1.5
            @write src/farewell.txt Goodbye from the farewell module.
            @commit T-2: add the farewell module
            @run baton ticket done T-2 --summary "src/farewell.txt added"
            """),
        ("Add the counter module", "medium", "T-1", """
            Write the counter module (its first version has a bug the gate catches).
            @write src/counter.txt counts 1, 2, 4 BUG
            @commit T-3: add the counter module
            @run baton ticket done T-3 --summary "src/counter.txt added"
            @next
            @say The gate found a bug in the counter: fixing it
            @write src/counter.txt counts 1, 2, 3
            @commit T-3: fix the counter
            @run baton ticket done T-3 --summary "counter fixed after the gate failed"
            """),
        ("Combine greeting and farewell", "medium", "T-1,T-2", """
            Build a conversation from the two merged modules.
            @run cat src/greeting.txt src/farewell.txt > src/conversation.txt
            @commit T-4: combine greeting and farewell
            @run baton ticket done T-4 --summary "src/conversation.txt from both modules"
            """),
        ("Document the modules", "medium", "T-3,T-4", """
            List every module in MODULES.md.
            @run ls src > MODULES.md
            @commit T-5: document the modules
            @run baton ticket done T-5 --summary "MODULES.md lists the modules"
            """),
        ("Add a changelog", "low", "", """
            Start a changelog.
            @write CHANGELOG.md # Changelog\n\n- greeting, farewell, counter and conversation modules
            @commit T-6: add a changelog
            @run baton ticket done T-6 --summary "CHANGELOG.md started"
            """),
    ];

    public static Command Create()
    {
        var dir = new Option<string?>("--dir") { Description = "Folder for the sample repository (default: a new temp folder); must not exist or be empty" };
        var plain = new Option<bool>("--plain") { Description = "One line per action instead of the live table" };
        var command = new Command("demo", "Run the autopilot on a sample repository with scripted agents: six tickets, a dependency chain, a gate that fails once") { dir, plain, CommandRunner.Json };
        command.SetAction(async (parse, ct) =>
        {
            var json = parse.GetValue(CommandRunner.Json);
            var root = (BatonRootCommand)parse.RootCommandResult.Command;
            try
            {
                return await RunAsync(root.Output, root.Environment, parse.GetValue(dir), json, parse.GetValue(plain) || root.Output.IsOutputRedirected, ct).ConfigureAwait(false);
            }
            catch (BatonException e)
            {
                await root.Output.Error.WriteLineAsync("baton: " + e.Message).ConfigureAwait(false);
                return e.ExitCode;
            }
        });
        return command;
    }

    private static async Task<int> RunAsync(CliOutput output, CliEnvironment environment, string? where, bool json, bool plain, CancellationToken ct)
    {
        var root = Path.GetFullPath(where ?? Path.Combine(Path.GetTempPath(), "baton-demo-" + DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)));
        if (Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any())
        {
            throw BatonException.Usage($"--dir {root} is not empty: give a new or empty folder");
        }

        Directory.CreateDirectory(root);
        var socket = "baton-demo-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        var self = new Baton.Infrastructure.Workers.Executables().Self;
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["BATON_DB"] = Path.Combine(root, ".baton", "baton.db"),
            ["BATON_TMUX_SOCKET"] = socket,
        };
        var log = json ? TextWriter.Null : output.Out;

        log.WriteLine($"== a sample repository in {root}");
        var runner = new Baton.Infrastructure.Processes.ProcessRunner();
        Git(runner, root, "init", "-q", "-b", "main");
        Git(runner, root, "config", "user.email", "demo@baton.local");
        Git(runner, root, "config", "user.name", "Baton Demo");
        await File.WriteAllTextAsync(Path.Combine(root, "README.md"), "# Baton demo project\n\nModules live in src/; `sh test.sh` is the test suite.\n", ct).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(root, "test.sh"), TestScript, ct).ConfigureAwait(false);
        Git(runner, root, "add", "-A");
        Git(runner, root, "commit", "-q", "-m", "Initial commit: README and the test suite");

        Step(runner, output, log, self, root, env, "init");
        await File.WriteAllTextAsync(Path.Combine(root, ".baton", "config.yaml"), $"""
            # Written by `baton demo`: scripted agents, a quick loop, `sh test.sh` as the gate.
            tmux:
              socket: {socket}
            agents:
              default: scripted
            autopilot:
              max_workers: 3
              tick: 300ms
              idle_after: 30s
              stall_after: 2m
              retry_base: 1s

            gate:
              commands: ["sh test.sh"]
              timeout: 1m
              retries: 2

            """, ct).ConfigureAwait(false);

        foreach (var (title, priority, deps, body) in Tickets)
        {
            List<string> args = ["ticket", "create", title, "--priority", priority, "--body", body.Replace("\r\n", "\n", StringComparison.Ordinal)];
            if (deps.Length > 0)
            {
                args.AddRange(["--depends-on", deps]);
            }

            Step(runner, output, log, self, root, env, [.. args]);
        }

        log.WriteLine("== baton up --until-done   (Ctrl-C stops; the agents run in tmux -L " + socket + ")");
        List<string> up = ["up", "--until-done"];
        if (json || plain)
        {
            up.Add(json ? "--json" : "--plain");
        }
        var code = Run(runner, output, self, root, env, [.. up], json ? TextWriter.Null : null);

        using var host = new CliHost(output, environment, Baton.Core.Config.BatonPaths.ForRoot(root));
        var tickets = host.Tickets().List(new Baton.Core.Storage.TicketQuery(), readyOnly: false);
        var done = tickets.Count(t => t.Ticket.Status == Baton.Core.Tickets.TicketStatus.Done);
        var failed = tickets.Count(t => t.Ticket.Status == Baton.Core.Tickets.TicketStatus.Failed);
        if (json)
        {
            host.Out.WriteLine(JsonSerializer.Serialize(new DemoJson(root, socket, done, failed, tickets.Count - done - failed,
                tickets.Select(v => TicketJson.From(v)).ToList()), CliJson.Readable.DemoJson));
        }
        else
        {
            log.WriteLine();
            Step(runner, output, log, self, root, env, "ticket", "list");
            log.WriteLine("== git log --oneline --graph main");
            log.WriteLine(Git(runner, root, "log", "--oneline", "--graph", "main").TrimEnd());
            log.WriteLine();
            log.WriteLine($"{done} of {tickets.Count} tickets done, {failed} failed. Look around:");
            var baton = string.Join(' ', self.Select(Shell.Quote));
            log.WriteLine($"  cd {root}");
            log.WriteLine($"  {baton} events recent 200     # everything that happened, in order");
            log.WriteLine($"  {baton} ticket show T-3       # the ticket whose gate failed once");
            log.WriteLine("  cat .baton/ORCHESTRATION_STATUS.md");
        }

        Run(runner, output, self, root, env, ["kill-all"], TextWriter.Null);
        return code == 0 && failed == 0 && done == tickets.Count ? 0 : 1;
    }

    private static string Git(IProcessRunner runner, string dir, params string[] args)
    {
        var r = runner.Run(new ProcessRequest("git", ["-C", dir, .. args]));
        return r.ExitCode == 0 ? r.StandardOutput : throw new BatonException($"git {string.Join(' ', args)} failed: {r.StandardError.Trim()}");
    }

    private static void Step(IProcessRunner runner, CliOutput output, TextWriter log, IReadOnlyList<string> self, string root, Dictionary<string, string> env, params string[] args)
    {
        var shown = string.Join(' ', args.Select(a => a.Contains('\n', StringComparison.Ordinal) ? "'…'" : Shell.Quote(a)));
        log.WriteLine("$ baton " + shown);
        if (Run(runner, output, self, root, env, args, log == TextWriter.Null ? TextWriter.Null : null) != 0)
        {
            throw new BatonException($"`baton {shown}` failed in {root}");
        }
    }

    /// <summary>
    /// Runs `baton ARGS` in the demo repository: on this terminal (the live view needs it), or with
    /// its lines passed on to this command's output, or to <paramref name="sink"/> (TextWriter.Null: nowhere).
    /// Its errors go to this command's error output. Not cancelled: Ctrl-C reaches the child itself.
    /// </summary>
    private static int Run(IProcessRunner runner, CliOutput output, IReadOnlyList<string> self, string root, Dictionary<string, string> env, string[] args, TextWriter? sink)
    {
        var terminal = sink is null && !output.IsOutputRedirected;
        var to = sink ?? output.Out;
        var request = new ProcessRequest(self[0], [.. self.Skip(1), .. args])
        {
            WorkingDirectory = root,
            Environment = env,
            Timeout = Timeout.InfiniteTimeSpan,
            InheritTerminal = terminal,
            CaptureOutput = false,
            OnOutputLine = line => { lock (to) { to.WriteLine(line); } },
            OnErrorLine = line => { lock (output.Error) { output.Error.WriteLine(line); } },
        };
        return runner.Run(request).ExitCode;
    }
}
