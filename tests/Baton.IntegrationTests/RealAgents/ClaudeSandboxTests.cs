using Baton.IntegrationTests.Support;
using Baton.IntegrationTests.Support.ModelServer;
using Baton.IntegrationTests.Support.RealAgents;
using Xunit;

namespace Baton.IntegrationTests.RealAgents;

/// <summary>
/// The real Claude Code TUI in a bubblewrap sandbox (`spawn --sandbox bwrap`) against the scripted
/// model: its private HOME holds only ~/.claude and ~/.claude.json, it commits in its folder, its
/// hooks reach Baton through the spool, and `baton kill` ends it. With network loopback the
/// sandbox has a namespace of its own and reaches the model server on the host's 127.0.0.1 only
/// through Baton's relay (the server's port, from ANTHROPIC_BASE_URL).
/// </summary>
public sealed class ClaudeSandboxTests : IDisposable
{
    private readonly TestRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    [Theory]
    [InlineData("allow")]
    [InlineData("loopback")]
    public void Sandboxed_claude_commits_its_hooks_report_and_kill_ends_it(string network)
    {
        // A linked worktree on a branch of its own, as the dispatcher gives a ticket (the worker
        // role's guard keeps main for the merge queue, inside the sandbox too).
        var tree = Path.Combine(_repo.Dir, ".baton", "worktrees", "cb");
        _repo.Git("worktree", "add", "-q", "-b", "cb-branch", tree);
        var file = Path.Combine(tree, "boxed.txt");
        using var server = new ScriptedModelServer([
            ModelStep.WriteFile(file, "written in the sandbox\n", new ModelUsage(300, 40, 0, 0)),
            ModelStep.Run("git add boxed.txt && git commit -q -m 'Add boxed.txt from the sandbox'", new ModelUsage(60, 30, 0, 300)),
            ModelStep.Say("Committed boxed.txt.", new ModelUsage(20, 10, 0, 390)),
        ]);
        var home = RealAgentSetup.ClaudeHome(_repo);
        RealAgentSetup.WriteClaudeProfile(_repo, server, home, tuiArgs: ["--permission-mode", "acceptEdits", "--allowedTools", "Bash(git add:*)", "Bash(git commit:*)"]);

        _repo.Baton("spawn", "--agent", "claude", "--role", "worker", "--sandbox", "bwrap", "--network", network, "--name", "cb", "--dir", tree, "Create boxed.txt and commit it").Ok();

        try
        {
            TestRepo.WaitUntil(() => _repo.Git("log", "--oneline", "-1", "cb-branch").Contains("Add boxed.txt from the sandbox", StringComparison.Ordinal), "the sandboxed agent committed", 90);
        }
        catch (Xunit.Sdk.XunitException e)
        {
            throw new Xunit.Sdk.XunitException($"{e.Message}\nscreen:\n{_repo.Baton("capture", "cb", "--lines", "60").Stdout}\nrequests:\n{server.Describe()}\nlast:\n{server.Requests[^1].Body?["messages"]?.ToJsonString()[^1500..]}");
        }

        Assert.Equal("written in the sandbox\n", File.ReadAllText(file));
        _repo.WaitForState("cb", "idle", 60);

        var events = _repo.Baton("events", "recent", "200", "--worker", "cb", "--json").Ok().Json().EnumerateArray().ToList();
        var spawned = events.Single(e => e.GetProperty("type").GetString() == "worker_spawned");
        var command = spawned.GetProperty("metadata").GetProperty("command").GetString();
        if (network == "allow")
        {
            Assert.Equal("bwrap network=allow", spawned.GetProperty("metadata").GetProperty("sandbox").GetString());
            Assert.StartsWith("/usr/bin/bwrap ", command, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal($"bwrap network=loopback ports {server.Port}", spawned.GetProperty("metadata").GetProperty("sandbox").GetString());
            Assert.Contains(" sandbox net --dir ", command, StringComparison.Ordinal);
            Assert.Contains(" --unshare-net ", command, StringComparison.Ordinal);
            Assert.Contains($" sandbox relay --socket /tmp/.baton-net/relay.sock --port {server.Port} -- ", command, StringComparison.Ordinal);
        }

        var hooks = events.Where(e => e.GetProperty("type").GetString() == "worker_hook").Select(e => e.GetProperty("message").GetString() ?? "").ToList();
        Assert.Contains(hooks, m => m.Contains("PreToolUse", StringComparison.Ordinal));
        Assert.Contains(hooks, m => m.Contains("Stop", StringComparison.Ordinal));
        // Its HOME held only what the profile names, and what it wrote there (transcripts) is kept.
        Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(home, ".claude"), "*.jsonl", SearchOption.AllDirectories));
        Assert.True(server.ScriptDone, server.Describe());

        var outcome = _repo.Baton("kill", "cb", "--json").Ok().Json();
        Assert.True(outcome.GetProperty("graceful").GetBoolean(), outcome.ToString());
        Assert.NotEqual(0, _repo.Tmux("has-session", "-t", "baton-cb").ExitCode);
        // Baton's side of the network went with the sandbox: its socket folder is gone.
        Assert.DoesNotContain(Directory.EnumerateDirectories(Path.GetTempPath(), "baton-net-*"), d => command!.Contains(d, StringComparison.Ordinal));
    }
}
