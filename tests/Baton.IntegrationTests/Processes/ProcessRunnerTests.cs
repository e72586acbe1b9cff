using System.Globalization;
using Baton.Core.Processes;
using Baton.Infrastructure.Processes;
using Xunit;

namespace Baton.IntegrationTests.Processes;

/// <summary>The process seam against real processes: tree kills, line streaming, typed failures.</summary>
public sealed class ProcessRunnerTests : IDisposable
{
    // Prints its own pid, then the pid of a grandchild that would outlive a plain kill of the shell.
    private const string ShellWithGrandchild = "echo $$; sleep 300 & echo $!; wait";

    private readonly ProcessRunner _runner = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("baton-proc-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Cancellation_kills_the_child_and_its_grandchild()
    {
        // Given a shell that started a long grandchild and waits for it
        var pids = new PidLines(2);
        using var cts = new CancellationTokenSource();
        var run = _runner.RunAsync(
            new ProcessRequest("sh", ["-c", ShellWithGrandchild]) { Timeout = Timeout.InfiniteTimeSpan, OnOutputLine = pids.Add },
            cts.Token);
        var (shell, grandchild) = await pids.Both.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(Alive(grandchild));

        // When the caller cancels
        await cts.CancelAsync();

        // Then the run ends as cancelled and neither process is left
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(Gone(shell), $"shell {shell} still runs");
        Assert.True(Gone(grandchild), $"grandchild {grandchild} still runs");
    }

    [Fact]
    public async Task Output_lines_arrive_while_the_process_still_runs()
    {
        // Given a command that prints a line, then waits for a file only the test creates
        var flag = Path.Combine(_dir, "go");
        var first = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var lines = new List<string>();
        var run = _runner.RunAsync(
            new ProcessRequest("sh", ["-c", $"echo first; while [ ! -e '{flag}' ]; do sleep 0.02; done; echo second; echo oops >&2"])
            {
                Timeout = TimeSpan.FromSeconds(60),
                OnOutputLine = line =>
                {
                    lock (lines)
                    {
                        lines.Add(line);
                    }

                    first.TrySetResult(line);
                },
            },
            CancellationToken.None);

        // Then the first line is seen before the command can finish
        Assert.Equal("first", await first.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.False(run.IsCompleted);

        // When it is let go, the rest follows and the result still holds the whole output
        await File.WriteAllTextAsync(flag, "");
        var result = await run.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["first", "second"], lines);
        Assert.Equal("first\nsecond\n", result.StandardOutput);
        Assert.Equal("oops\n", result.StandardError);
    }

    [Fact]
    public async Task Output_goes_only_to_the_callbacks_when_not_captured()
    {
        var errors = new List<string>();
        var result = await _runner.RunAsync(
            new ProcessRequest("sh", ["-c", "echo out; echo err >&2; exit 3"]) { CaptureOutput = false, OnErrorLine = errors.Add },
            CancellationToken.None);

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("", result.StandardOutput);
        Assert.Equal("", result.StandardError);
        Assert.Equal(["err"], errors);
    }

    [Fact]
    public async Task A_line_callback_that_throws_reaches_the_caller_after_the_command_ran_to_its_end()
    {
        var marker = Path.Combine(_dir, "finished");
        var seen = new List<string>();

        var e = await Assert.ThrowsAsync<IOException>(() => _runner.RunAsync(
            new ProcessRequest("sh", ["-c", $"echo one; echo two; echo three; touch '{marker}'"])
            {
                OnOutputLine = line =>
                {
                    seen.Add(line);
                    if (line == "one")
                    {
                        throw new IOException("no space left on device");
                    }
                },
            },
            CancellationToken.None));

        Assert.Equal("no space left on device", e.Message);
        Assert.Equal(["one", "two", "three"], seen); // the stream was read to its end
        Assert.True(File.Exists(marker));
    }

    [Fact]
    public async Task A_timeout_throws_and_kills_the_tree()
    {
        var pids = new PidLines(2);
        var run = _runner.RunAsync(
            new ProcessRequest("sh", ["-c", ShellWithGrandchild]) { Timeout = TimeSpan.FromSeconds(2), OnOutputLine = pids.Add },
            CancellationToken.None);
        var (shell, grandchild) = await pids.Both.WaitAsync(TimeSpan.FromSeconds(10));

        var e = await Assert.ThrowsAsync<ProcessTimedOutException>(() => run.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("sh", e.File);
        Assert.Equal(TimeSpan.FromSeconds(2), e.Timeout);
        Assert.True(Gone(shell), $"shell {shell} still runs");
        Assert.True(Gone(grandchild), $"grandchild {grandchild} still runs");
    }

    [Fact]
    public void A_timeout_of_the_synchronous_run_kills_the_tree_too()
    {
        var pidFile = Path.Combine(_dir, "pid");
        var e = Assert.Throws<ProcessTimedOutException>(() =>
            _runner.Run(new ProcessRequest("sh", ["-c", $"sleep 300 & echo $! > '{pidFile}'; wait"]) { Timeout = TimeSpan.FromSeconds(1) }));

        Assert.Contains("did not finish within 1s", e.Message, StringComparison.Ordinal);
        var grandchild = int.Parse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture);
        Assert.True(Gone(grandchild), $"grandchild {grandchild} still runs");
    }

    [Fact]
    public async Task A_missing_program_is_a_start_failure()
    {
        const string missing = "baton-no-such-program-7f3a";
        var sync = Assert.Throws<ProcessStartFailedException>(() => _runner.Run(new ProcessRequest(missing, [])));
        var async = await Assert.ThrowsAsync<ProcessStartFailedException>(() => _runner.RunAsync(new ProcessRequest(missing, ["x"]), CancellationToken.None));

        Assert.Equal(missing, sync.File);
        Assert.Equal(missing, async.File);
        Assert.Contains("is it installed", async.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_cancelled_before_the_start_starts_nothing()
    {
        var marker = Path.Combine(_dir, "ran");
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            _runner.RunAsync(new ProcessRequest("sh", ["-c", $"touch '{marker}'"]), cts.Token));
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public void Input_environment_and_directory_reach_the_child()
    {
        var result = _runner.Run(new ProcessRequest("sh", ["-c", "read line; echo \"$line $BATON_PROC_TEST $(pwd)\""])
        {
            StandardInput = "hello\n",
            Environment = new Dictionary<string, string> { ["BATON_PROC_TEST"] = "env" },
            WorkingDirectory = _dir,
        });

        Assert.Equal(0, result.ExitCode);
        Assert.Equal($"hello env {_dir}\n", result.StandardOutput);
    }

    private static bool Alive(int pid) => !Dead(pid);

    /// <summary>
    /// Gone or a zombie: a SIGKILLed orphan stays in /proc until its new parent reaps it, which is
    /// not ours to wait for. The kill itself is synchronous, so the state settles in moments.
    /// </summary>
    private static bool Gone(int pid)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!Dead(pid) && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(20);
        }

        return Dead(pid);
    }

    private static bool Dead(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (IOException)
        {
            return true;
        }
    }

    /// <summary>Collects the first <c>count</c> output lines as pids.</summary>
    private sealed class PidLines(int count)
    {
        private readonly List<int> _pids = [];
        private readonly TaskCompletionSource<(int, int)> _both = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<(int First, int Second)> Both => _both.Task;

        public void Add(string line)
        {
            lock (_pids)
            {
                _pids.Add(int.Parse(line.Trim(), CultureInfo.InvariantCulture));
                if (_pids.Count == count)
                {
                    _both.TrySetResult((_pids[0], _pids[1]));
                }
            }
        }
    }
}
