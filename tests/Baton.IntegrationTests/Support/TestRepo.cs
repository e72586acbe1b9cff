using System.Diagnostics;
using System.Text.Json;

namespace Baton.IntegrationTests.Support;

/// <summary>
/// A real git repository in a temp folder, with its own private tmux server (<c>tmux -L</c>),
/// driven through the real `baton` CLI. Disposing kills that tmux server and deletes the folder.
/// </summary>
public sealed class TestRepo : IDisposable
{
    private readonly Dictionary<string, string> _env = new(StringComparer.Ordinal);

    /// <param name="parent">Where the repository's folder goes (default: the temp folder).</param>
    public TestRepo(bool init = true, string? parent = null)
    {
        Dir = Path.Combine(parent ?? Path.GetTempPath(), "baton-test-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Dir);
        Socket = "bt-" + Guid.NewGuid().ToString("N")[..12];
        _env["BATON_TMUX_SOCKET"] = Socket;
        Git("init", "-q", "-b", "main");
        Git("config", "user.email", "test@example.com");
        Git("config", "user.name", "Baton Test");
        Git("commit", "-q", "--allow-empty", "-m", "initial");
        if (init)
        {
            Baton("init").Ok();
        }
    }

    public string Dir { get; }
    public string Socket { get; }

    public void SetEnv(string name, string value) => _env[name] = value;

    public CliResult Baton(params string[] args) => BatonIn(Dir, null, args);

    public CliResult BatonIn(string cwd, string? stdin, params string[] args)
    {
        var bin = RepoPaths.Baton;
        return Run(bin[0], [.. bin.Skip(1), .. args], cwd, stdin, _env, TimeSpan.FromSeconds(90));
    }

    /// <summary>Starts `baton ARGS` in the repository and leaves it running (the autopilot); its output is discarded.</summary>
    public Process StartBaton(params string[] args)
    {
        var bin = RepoPaths.Baton;
        var info = StartInfo(bin[0], [.. bin.Skip(1), .. args], Dir, _env);
        info.RedirectStandardInput = false;
        var p = Process.Start(info)!;
        new Thread(() => p.StandardOutput.ReadToEnd()) { IsBackground = true }.Start();
        new Thread(() => p.StandardError.ReadToEnd()) { IsBackground = true }.Start();
        return p;
    }

    /// <summary>As <see cref="StartBaton"/>, in another folder (a second clone of the repository), with this repository's environment and tmux server.</summary>
    public Process StartBatonIn(string cwd, params string[] args)
    {
        var bin = RepoPaths.Baton;
        var info = StartInfo(bin[0], [.. bin.Skip(1), .. args], cwd, _env);
        info.RedirectStandardInput = false;
        var p = Process.Start(info)!;
        new Thread(() => p.StandardOutput.ReadToEnd()) { IsBackground = true }.Start();
        new Thread(() => p.StandardError.ReadToEnd()) { IsBackground = true }.Start();
        return p;
    }

    /// <summary>Starts `baton ARGS` with <paramref name="env"/> over the repository's environment, its output lines (stdout and stderr) going to <paramref name="output"/>.</summary>
    public Process StartBaton(IReadOnlyDictionary<string, string> env, System.Collections.Concurrent.ConcurrentQueue<string> output, params string[] args)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(output);
        var bin = RepoPaths.Baton;
        var info = StartInfo(bin[0], [.. bin.Skip(1), .. args], Dir, new Dictionary<string, string>(_env.Concat(env).GroupBy(kv => kv.Key).Select(g => g.Last())));
        info.RedirectStandardInput = false;
        var p = Process.Start(info)!;
        p.OutputDataReceived += (_, e) => { if (e.Data is { } line) { output.Enqueue(line); } };
        p.ErrorDataReceived += (_, e) => { if (e.Data is { } line) { output.Enqueue(line); } };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    public CliResult Tmux(params string[] args) => Run("tmux", ["-L", Socket, .. args], Dir, null, _env, TimeSpan.FromSeconds(15));

    public string Git(params string[] args)
    {
        var r = Run("git", ["-C", Dir, .. args], Dir, null, _env, TimeSpan.FromSeconds(30));
        if (r.ExitCode != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', args)} failed: {r.Stderr}");
        }

        return r.Stdout;
    }

    public JsonElement Worker(string name)
    {
        foreach (var w in Baton("list", "--json", "--all").Ok().Json().EnumerateArray())
        {
            if (w.GetProperty("name").GetString() == name)
            {
                return w;
            }
        }

        throw new Xunit.Sdk.XunitException($"worker {name} is not in `baton list`");
    }

    public string State(string name) => Worker(name).GetProperty("state").GetString()!;

    /// <summary>Polls `baton list` until the worker reaches <paramref name="state"/>; fails with the screen if it never does.</summary>
    public JsonElement WaitForState(string name, string state, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        JsonElement last = default;
        while (DateTime.UtcNow < deadline)
        {
            last = Worker(name);
            if (last.GetProperty("state").GetString() == state)
            {
                return last;
            }

            Thread.Sleep(150);
        }

        var screen = Baton("capture", name, "--lines", "30");
        throw new Xunit.Sdk.XunitException($"worker {name} never became {state}; last: {last}\nscreen:\n{screen.Stdout}{screen.Stderr}");
    }

    public static void WaitUntil(Func<bool> condition, string what, int seconds = 20) => WaitUntil(condition, what, seconds, null);

    /// <summary>Waits for a condition; on a timeout the failure carries what <paramref name="diagnose"/> saw
    /// (a screen, the model server's script), since a CI log is all that is left of a flaky run.</summary>
    public static void WaitUntil(Func<bool> condition, string what, int seconds, Func<string>? diagnose)
    {
        if (!TryWaitUntil(condition, seconds))
        {
            throw new Xunit.Sdk.XunitException("timed out waiting until " + what + (diagnose is null ? "" : "\n" + diagnose()));
        }
    }

    public static bool TryWaitUntil(Func<bool> condition, int seconds)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            if (condition())
            {
                return true;
            }

            Thread.Sleep(100);
        }

        return false;
    }

    public static CliResult Run(string file, IReadOnlyList<string> args, string cwd, string? stdin, IReadOnlyDictionary<string, string> env, TimeSpan timeout)
    {
        using var p = Process.Start(StartInfo(file, args, cwd, env))!;

        // Plain threads, not async reads: with many tests blocking in parallel the thread pool can
        // starve, and an async read's completion then waits for a free thread for many seconds.
        string stdoutText = "", stderrText = "";
        var outReader = new Thread(() => stdoutText = p.StandardOutput.ReadToEnd()) { IsBackground = true };
        var errReader = new Thread(() => stderrText = p.StandardError.ReadToEnd()) { IsBackground = true };
        outReader.Start();
        errReader.Start();
        try
        {
            // Straight to the pipe, so nothing stays buffered in the writer to fail again when it closes.
            if (stdin is not null)
            {
                p.StandardInput.BaseStream.Write(new System.Text.UTF8Encoding(false).GetBytes(stdin));
            }
        }
        catch (IOException)
        {
            // The program ended (or closed its input) before reading it all: its exit code says how it went.
        }

        try
        {
            p.StandardInput.Close();
        }
        catch (IOException)
        {
        }
        if (!p.WaitForExit(timeout))
        {
            p.Kill(true);
            throw new Xunit.Sdk.XunitException($"{file} {string.Join(' ', args)} did not finish in {timeout}");
        }

        p.WaitForExit();
        outReader.Join();
        errReader.Join();
        return new CliResult(p.ExitCode, stdoutText, stderrText);
    }

    private static ProcessStartInfo StartInfo(string file, IReadOnlyList<string> args, string cwd, IReadOnlyDictionary<string, string> env)
    {
        var info = new ProcessStartInfo(file)
        {
            WorkingDirectory = cwd,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        // Tests never inherit a developer's tmux client or store, only what the test gives.
        info.Environment.Remove("TMUX");
        info.Environment.Remove("BATON_DB");
        info.Environment.Remove("BATON_WORKER");
        foreach (var (k, v) in env)
        {
            info.Environment[k] = v;
        }

        info.Environment["NO_COLOR"] = "1";
        return info;
    }

    public void Dispose()
    {
        TmuxSockets.Stop(Socket, _env);

        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
