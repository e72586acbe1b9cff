using Baton.Core.Processes;
using Baton.Infrastructure.Processes;
using Xunit;

namespace Baton.IntegrationTests.Processes;

/// <summary>BATON_TRACE: every process run is one line, with the subcommands and targets and never an argument's text.</summary>
public sealed class ProcessTraceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("baton-trace-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Each_run_appends_one_line_with_its_time_and_no_argument_text()
    {
        // Given a runner with a trace file
        var file = Path.Combine(_dir, "trace.tsv");
        var runner = new ProcessRunner { Trace = ProcessTrace.From(file) };

        // When it runs git in a folder, and a shell given a secret, once each way
        runner.Run(new ProcessRequest("git", ["-C", _dir, "worktree", "list"]));
        await runner.RunAsync(new ProcessRequest("sh", ["-c", "echo s3cret-value"]), CancellationToken.None);

        // Then there are two lines: start, duration, pid, thread, program, what, target
        var lines = File.ReadAllLines(file);
        Assert.Equal(2, lines.Length);
        var git = lines[0].Split('\t');
        Assert.Equal(7, git.Length);
        Assert.InRange(double.Parse(git[0], System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
        Assert.True(double.Parse(git[1], System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.Equal(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), git[2]);
        Assert.Equal(["git", "worktree list", _dir], git[4..]);
        Assert.Equal(["sh", "", ""], lines[1].Split('\t')[4..]);
        Assert.DoesNotContain("s3cret", File.ReadAllText(file), StringComparison.Ordinal);
    }

    [Fact]
    public void A_tmux_chain_is_named_by_its_subcommands_and_exact_targets_only()
    {
        // Typed text (after --), a new session's environment and command, and a "-t" inside the text stay out.
        var (what, target) = ProcessTrace.Describe(new ProcessRequest("tmux",
        [
            "-L", "sock", "send-keys", "-t", "=w1:", "-l", "--", "-t =secret", ";",
            "new-session", "-d", "-s", "w2", "-e", "TOKEN=abc", "env", "agent", "-t", "=hidden", ";",
            "set-option", "-t", "=w2:", "remain-on-exit", "on",
        ]));

        Assert.Equal("send-keys;new-session;set-option", what);
        Assert.Equal("=w1: =w2:", target);
    }

    [Fact]
    public void No_variable_means_no_trace()
    {
        Assert.Null(ProcessTrace.From(null));
        Assert.Null(ProcessTrace.From(" "));
    }
}
