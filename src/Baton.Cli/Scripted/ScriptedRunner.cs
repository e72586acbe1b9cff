using System.Globalization;
using Baton.Core.Agents.Scripted;
using Baton.Core.Processes;
using Baton.Infrastructure.Processes;

namespace Baton.Cli.Scripted;

/// <summary>Where the scripted agent shows its work: the interactive screen or plain headless output.</summary>
internal interface IScriptedHost
{
    void Print(string line);
    void Busy(string doing);
    Task<bool> AskAsync(string question, CancellationToken ct);
    void Exit(int code);
}

/// <summary>Carries out one task's actions. This is the part that stands in for a model.</summary>
internal sealed class ScriptedRunner
{
    private readonly IScriptedHost _host;
    private readonly string? _contextFile;
    private readonly IProcessRunner _runner;

    // Actions after an @next line: the agent's answer to the next message it gets (a gate failure,
    // a nudge). Owned by the one work loop that runs tasks, one at a time.
    private List<ScriptedAction> _pending = [];

    public ScriptedRunner(IScriptedHost host, string? contextFile = null, IProcessRunner? runner = null)
    {
        _host = host;
        _contextFile = contextFile;
        _runner = runner ?? new ProcessRunner();
    }

    public async Task RunAsync(string task, CancellationToken ct)
    {
        var actions = _pending.Concat(ScriptedAction.Parse(task)).ToList();
        var next = actions.FindIndex(IsNext);
        _pending = next < 0 ? [] : actions[(next + 1)..];
        actions = next < 0 ? actions : actions[..next];
        var first = task.Split('\n')[0].Trim();
        _host.Print("● " + (first.Length > 0 ? first : "(empty task)"));
        if (actions.Count == 0)
        {
            _host.Busy("thinking");
            await Task.Delay(500, ct).ConfigureAwait(false);
            _host.Print("● Done: nothing to do (no @actions in the task).");
            return;
        }

        foreach (var action in actions)
        {
            ct.ThrowIfCancellationRequested();
            await RunOneAsync(action, task, ct).ConfigureAwait(false);
        }

        _host.Print($"✓ done ({actions.Count} action{(actions.Count == 1 ? "" : "s")})");
    }

    private async Task RunOneAsync(ScriptedAction action, string task, CancellationToken ct)
    {
        switch (action.Verb)
        {
            case "say":
                _host.Print("● " + ScriptedAction.Unescape(action.Argument));
                break;
            case "sleep":
                var seconds = action.Seconds(1);
                _host.Busy($"working for {seconds.ToString("0.##", CultureInfo.InvariantCulture)}s");
                await Task.Delay(TimeSpan.FromSeconds(seconds), ct).ConfigureAwait(false);
                break;
            case "write":
            case "append":
            {
                var (path, text) = action.SplitFirst();
                _host.Busy($"{action.Verb} {path}");
                var content = ScriptedAction.Unescape(text) + "\n";
                var full = Path.GetFullPath(path);
                Directory.CreateDirectory(Path.GetDirectoryName(full)!);
                if (action.Verb == "write")
                {
                    await File.WriteAllTextAsync(full, content, ct).ConfigureAwait(false);
                }
                else
                {
                    await File.AppendAllTextAsync(full, content, ct).ConfigureAwait(false);
                }

                _host.Print($"● {(action.Verb == "write" ? "Wrote" : "Appended to")} {path}");
                break;
            }

            case "dump":
            {
                var (path, _) = action.SplitFirst();
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
                await File.WriteAllTextAsync(Path.GetFullPath(path), task, ct).ConfigureAwait(false);
                _host.Print($"● Saved the task text to {path}");
                break;
            }

            case "context":
            {
                // What the agent was given as its role context (spawn --role), saved to a file.
                var (path, _) = action.SplitFirst();
                var text = _contextFile is not null && File.Exists(_contextFile) ? await File.ReadAllTextAsync(_contextFile, ct).ConfigureAwait(false) : "";
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
                await File.WriteAllTextAsync(Path.GetFullPath(path), text, ct).ConfigureAwait(false);
                _host.Print(text.Length > 0 ? $"● Saved my role context to {path}" : $"● I was given no role context; wrote an empty {path}");
                break;
            }

            case "run":
                await RunProcessAsync("sh", ["-c", action.Argument], action.Argument, ct).ConfigureAwait(false);
                break;
            case "commit":
            {
                var message = action.Argument.Length > 0 ? action.Argument : "scripted agent commit";
                if (await RunProcessAsync("git", ["add", "-A"], "git add -A", ct).ConfigureAwait(false) == 0)
                {
                    await RunProcessAsync("git", ["commit", "-q", "-m", message], $"git commit -m \"{message}\"", ct).ConfigureAwait(false);
                }

                break;
            }

            case "ask":
                var allowed = await _host.AskAsync(action.Argument.Length > 0 ? action.Argument : "continue", ct).ConfigureAwait(false);
                _host.Print(allowed ? "● Allowed: " + action.Argument : "✗ Denied: " + action.Argument);
                break;
            case "tokens":
                var n = action.Argument.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                string At(int i) => i < n.Length ? n[i] : "0";
                // A fifth figure is the turn's cost in USD, as Claude Code reports one.
                _host.Print($"usage: input_tokens={At(0)} output_tokens={At(1)} cache_read_input_tokens={At(2)} cache_creation_input_tokens={At(3)}" + (n.Length > 4 ? $" cost_usd={n[4]}" : ""));
                break;
            case "crash":
                var code = int.TryParse(action.Argument, NumberStyles.Integer, CultureInfo.InvariantCulture, out var c) ? c : 1;
                _host.Print($"✗ crashing with exit code {code}");
                _host.Exit(code);
                break;
            case "once":
            {
                // Runs its action the first time this line runs in this folder only (a crash on the
                // first attempt, not on the retry): the marker lives beside Baton's store.
                var inner = ScriptedAction.Parse(action.Argument);
                if (inner.Count == 0)
                {
                    _host.Print($"✗ @once on line {action.Line} needs an action, e.g. @once @crash 3");
                    break;
                }

                var marker = OnceMarker(action.Argument);
                if (File.Exists(marker))
                {
                    _host.Print($"● Skipped (@once already ran here): {action.Argument}");
                    break;
                }

                Directory.CreateDirectory(Path.GetDirectoryName(marker)!);
                await File.WriteAllTextAsync(marker, action.Argument, ct).ConfigureAwait(false);
                await RunOneAsync(inner[0] with { Line = action.Line }, task, ct).ConfigureAwait(false);
                break;
            }

            case "again":
            {
                // The other half of @once: skipped the first time this line runs in this folder,
                // run every time after (a headless agent asked again, e.g. a plan's repair round).
                var inner = ScriptedAction.Parse(action.Argument);
                if (inner.Count == 0)
                {
                    _host.Print($"✗ @again on line {action.Line} needs an action, e.g. @again @say fixed");
                    break;
                }

                var marker = OnceMarker("again\n" + action.Argument);
                if (!File.Exists(marker))
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(marker)!);
                    await File.WriteAllTextAsync(marker, action.Argument, ct).ConfigureAwait(false);
                    _host.Print($"● Skipped (@again on line {action.Line}: the first time here)");
                    break;
                }

                await RunOneAsync(inner[0] with { Line = action.Line }, task, ct).ConfigureAwait(false);
                break;
            }

            case "exit":
                _host.Print("Bye.");
                _host.Exit(0);
                break;
            default:
                _host.Print($"✗ unknown action @{action.Verb} on line {action.Line}; known: {string.Join(", ", ScriptedAction.Verbs.Order(StringComparer.Ordinal))}");
                break;
        }
    }

    /// <summary>
    /// Where this message's actions end: `@next`, or `@once @next` the first time its line runs
    /// here (the split happens once; on a later run the line is skipped like any `@once`). The
    /// search stops at the first split, so only that line's marker is taken.
    /// </summary>
    private static bool IsNext(ScriptedAction action)
    {
        if (action.Verb == "next")
        {
            return true;
        }

        if (action.Verb != "once" || ScriptedAction.Parse(action.Argument) is not [{ Verb: "next" }])
        {
            return false;
        }

        var marker = OnceMarker(action.Argument);
        if (File.Exists(marker))
        {
            return false;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(marker)!);
        File.WriteAllText(marker, action.Argument);
        return true;
    }

    private static string OnceMarker(string argument)
    {
        var db = Environment.GetEnvironmentVariable("BATON_DB");
        var dir = string.IsNullOrEmpty(db) ? Path.Combine(Path.GetTempPath(), "baton-scripted-once") : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(db))!, "scripted-once");
        var key = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Directory.GetCurrentDirectory() + "\n" + argument));
        return Path.Combine(dir, Convert.ToHexStringLower(key)[..24]);
    }

    private async Task<int> RunProcessAsync(string file, IReadOnlyList<string> args, string shown, CancellationToken ct)
    {
        _host.Busy("running " + shown);
        _host.Print("● Ran " + shown);
        // No timeout: a scripted task runs as long as its command does; an interrupt (Esc, a
        // signal) cancels the token, which kills the command and all its children.
        var result = await _runner.RunAsync(new ProcessRequest(file, args) { Timeout = Timeout.InfiniteTimeSpan }, ct).ConfigureAwait(false);
        foreach (var line in (result.StandardOutput + result.StandardError).TrimEnd().Split('\n'))
        {
            if (line.Length > 0)
            {
                _host.Print("  │ " + line);
            }
        }

        _host.Print($"  └ exit code {result.ExitCode}");
        return result.ExitCode;
    }
}
