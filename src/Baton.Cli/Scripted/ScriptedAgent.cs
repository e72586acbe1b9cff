using System.Text;
using System.Threading.Channels;

namespace Baton.Cli.Scripted;

/// <summary>
/// Baton's built-in agent CLI: a real interactive terminal program that behaves like Claude Code
/// or Codex from the outside (ready prompt, busy line, permission questions answered by keys,
/// /exit), while its "model" is the action language in the task text.
/// </summary>
internal sealed class ScriptedAgent : IScriptedHost
{
    private const string Ready = "· ready — type a task, /exit to leave";

    // Queued like a task, so a reset typed while a task runs takes effect after it (as /clear does in Claude Code).
    private const string Clear = "\u0000clear";
    private readonly ScriptedScreen _screen = new();
    private readonly ScriptedInput _input = new();
    private readonly Channel<string> _tasks = Channel.CreateUnbounded<string>();
    private readonly StringBuilder _typed = new();
    private readonly object _gate = new();
    private TaskCompletionSource<bool>? _question;
    private CancellationTokenSource? _current;
    private RawTerminal? _terminal;
    private readonly string? _contextFile;
    private readonly ScriptedHooks _hooks;

    public ScriptedAgent(string? contextFile, ScriptedHooks? hooks = null)
    {
        _contextFile = contextFile;
        _hooks = hooks ?? ScriptedHooks.Load(null);
    }

    public async Task<int> RunAsync(bool trustDialog, TimeSpan startDelay)
    {
        // Let .NET set up its console first: it records the terminal settings when it does, and
        // puts those back later, so raw mode must come after that.
        _screen.Print("✻ scripted agent (Baton) — tasks use @say @sleep @write @append @run @commit @ask @tokens @dump @crash @exit");
        _terminal = new RawTerminal();
        try
        {
            _screen.Print("  cwd: " + Directory.GetCurrentDirectory());
            if (_contextFile is not null && File.Exists(_contextFile))
            {
                var first = File.ReadLines(_contextFile).FirstOrDefault() ?? "";
                _screen.Print($"  context: {first} ({File.ReadLines(_contextFile).Count()} lines)");
            }
            _input.Start();
            if (trustDialog)
            {
                _screen.Status("Do you trust the files in this folder? (y/n)", showInput: false);
                while (true)
                {
                    var e = await _input.Events.ReadAsync().ConfigureAwait(false);
                    if (e is InputEvent.Text { Value: "y" or "Y" })
                    {
                        break;
                    }

                    if (e is InputEvent.Text { Value: "n" or "N" } or InputEvent.EndOfInput)
                    {
                        Exit(1);
                    }
                }
            }

            if (startDelay > TimeSpan.Zero)
            {
                _screen.Status("starting…", showInput: false);
                await Task.Delay(startDelay).ConfigureAwait(false);
            }

            await _hooks.FireAsync("SessionStart", new Dictionary<string, object> { ["source"] = "startup" }).ConfigureAwait(false);
            _screen.Status(Ready);
            _ = Task.Run(WorkLoopAsync);
            await foreach (var e in _input.Events.ReadAllAsync().ConfigureAwait(false))
            {
                Handle(e);
            }

            return 0;
        }
        finally
        {
            _terminal.Dispose();
        }
    }

    private void Handle(InputEvent e)
    {
        lock (_gate)
        {
            if (_question is { } q)
            {
                // A question takes one key; everything else is ignored until it is answered.
                if (e is InputEvent.Text { Value: "y" or "Y" })
                {
                    _question = null;
                    q.TrySetResult(true);
                }
                else if (e is InputEvent.Text { Value: "n" or "N" } or InputEvent.Escape)
                {
                    _question = null;
                    q.TrySetResult(false);
                }

                return;
            }

            switch (e)
            {
                case InputEvent.Text t:
                    _typed.Append(t.Value);
                    break;
                case InputEvent.Backspace when _typed.Length > 0:
                    _typed.Length--;
                    break;
                case InputEvent.ClearLine:
                    _typed.Clear();
                    break;
                case InputEvent.Escape:
                    _current?.Cancel();
                    break;
                case InputEvent.Interrupt when _typed.Length > 0:
                    _typed.Clear();
                    break;
                case InputEvent.Interrupt:
                    Exit(130);
                    break;
                case InputEvent.EndOfInput:
                    Exit(0);
                    break;
                case InputEvent.Submit:
                    var task = _typed.ToString();
                    _typed.Clear();
                    if (task.Trim() == "/exit")
                    {
                        _screen.Input("");
                        _screen.Print("Bye.");
                        Exit(0);
                    }

                    if (task.Trim() == "/clear")
                    {
                        _tasks.Writer.TryWrite(Clear);
                    }
                    else if (task.Trim().Length > 0)
                    {
                        _screen.Print("> " + task.Split('\n')[0] + (task.Contains('\n', StringComparison.Ordinal) ? $" [+{task.Count(c => c == '\n')} lines]" : ""));
                        _tasks.Writer.TryWrite(task);
                    }

                    break;
            }

            _screen.Input(_typed.ToString());
        }
    }

    private async Task WorkLoopAsync()
    {
        var runner = new ScriptedRunner(this, _contextFile);
        await foreach (var task in _tasks.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            if (task == Clear)
            {
                // A new conversation: pending @next answers are forgotten; the folder stays the
                // one the agent started in (no agent CLI can change it), the context file is read again.
                runner = new ScriptedRunner(this, _contextFile);
                _screen.Print("● context cleared; cwd: " + Directory.GetCurrentDirectory() + (_contextFile is not null && File.Exists(_contextFile) ? $"; context: {File.ReadLines(_contextFile).FirstOrDefault() ?? ""}" : ""));
                await _hooks.FireAsync("SessionStart", new Dictionary<string, object> { ["source"] = "clear" }).ConfigureAwait(false);
                _screen.Status(Ready);
                continue;
            }

            await RunTurnAsync(runner, task).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// One turn: the task, then the Stop hooks; a Stop hook that blocks (commit_before_stop) gives
    /// the agent its reason as the next message, and the next Stop says the hook is active, as
    /// Claude Code does (so a hook that blocks every time cannot keep the agent going for ever).
    /// </summary>
    private async Task RunTurnAsync(ScriptedRunner runner, string task)
    {
        await _hooks.FireAsync("UserPromptSubmit", new Dictionary<string, object> { ["prompt"] = task }).ConfigureAwait(false);
        for (var active = false; ; active = true)
        {
            using var cts = new CancellationTokenSource();
            lock (_gate)
            {
                _current = cts;
            }

            try
            {
                await runner.RunAsync(task, cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Print("✗ Interrupted · What should the agent do instead?");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or Baton.Core.Processes.ProcessStartFailedException)
            {
                Print("✗ error: " + e.Message);
            }

            lock (_gate)
            {
                _current = null;
            }

            if (await _hooks.FireAsync("Stop", new Dictionary<string, object> { ["stop_hook_active"] = active }).ConfigureAwait(false) is not { } reason || active)
            {
                break;
            }

            Print("● Stop hook: " + reason.Split('\n')[0]);
            task = reason;
        }

        _screen.Status(Ready);
    }

    public void Print(string line) => _screen.Print(line);

    public void Busy(string doing) => _screen.Status($"⠿ {doing}… (esc to interrupt)");

    public async Task<bool> AskAsync(string question, CancellationToken ct)
    {
        var tcs = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _question = tcs;
        }

        _screen.Status($"? Allow: {question} [y/n]");
        using var registration = ct.Register(() => tcs.TrySetCanceled(ct));
        await _hooks.FireAsync("Notification", new Dictionary<string, object> { ["notification_type"] = "permission_prompt", ["message"] = "Claude needs your permission to use " + question }).ConfigureAwait(false);
        var allowed = await tcs.Task.ConfigureAwait(false);
        await _hooks.FireAsync("PostToolUse", new Dictionary<string, object> { ["tool_name"] = "Bash" }).ConfigureAwait(false);
        return allowed;
    }

    public void Exit(int code)
    {
        _terminal?.Dispose();
        Environment.Exit(code);
    }
}

/// <summary>The headless face of the scripted agent: plain lines on stdout, questions denied.</summary>
internal sealed class HeadlessScriptedHost : IScriptedHost
{
    public void Print(string line) => Console.Out.WriteLine(line);

    public void Busy(string doing) => Console.Out.WriteLine($"… {doing}");

    public Task<bool> AskAsync(string question, CancellationToken ct)
    {
        Console.Out.WriteLine($"? Allow: {question} [y/n] -> no (headless: nobody to ask)");
        return Task.FromResult(false);
    }

    public void Exit(int code)
    {
        Console.Out.Flush();
        Environment.Exit(code);
    }
}
