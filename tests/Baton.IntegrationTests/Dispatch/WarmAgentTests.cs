using Baton.IntegrationTests.Support;
using Xunit;
using static Baton.IntegrationTests.Dispatch.AutopilotKit;

namespace Baton.IntegrationTests.Dispatch;

/// <summary>Agents that outlive their ticket under `baton up` (exit_when_done: false), with scripted agents on real tmux, git and SQLite.</summary>
public sealed class WarmAgentTests
{
    [Fact]
    public void An_agent_whose_role_says_exit_when_done_false_stays_alive_and_idle_after_its_ticket_landed()
    {
        // Given a role like worker that keeps its agents
        using var repo = new TestRepo();
        Configure(repo);
        Role(repo, "keeper", t => t.Replace("exit_when_done: true", "exit_when_done: false", StringComparison.Ordinal));
        var id = Ticket(repo, "Kept", Work("T-1", "k.txt", "k"), "--role", "keeper");

        // When the autopilot takes its ticket through the gate and the merge
        var up = Up(repo);

        // Then the ticket landed, and its agent was never asked to leave: it is idle in its worktree
        Assert.True(up.ExitCode == 0, Describe(repo, up));
        Assert.Equal("done", Status(repo, id));
        // (Idle once its screen has been quiet for the debounce: the native binary's loop can end sooner.)
        repo.WaitForState("t1-1", "idle", 30);
        Assert.Empty(Events(repo, "worker_exit_requested"));
        Assert.True(Directory.Exists(Show(repo, id).GetProperty("worktree").GetString()), "the worktree the kept agent sits in was removed");
    }

    [Fact]
    public void With_reuse_agents_the_agent_of_a_landed_ticket_takes_its_dependent_after_a_reset_and_nothing_of_the_first_ticket_leaks()
    {
        // Given a chain of two tickets; the first leaves an ignored file in its folder and an
        // answer queued for its next message (@next), as a conversation's memory would
        using var repo = new TestRepo();
        Configure(repo, "reuse_agents: true");
        var first = Ticket(repo, "First", "@write .gitignore build/\n@write build/junk.txt junk\n" + Work("T-1", "a.txt", "a") + "\n@next\n@write leak-memory.txt remembered\n@commit T-1 memory");
        var second = Ticket(repo, "Second", "@run sh -c 'test -e build/junk.txt && echo leaked > leak-file.txt; true'\n" + Work("T-2", "b.txt", "b"), "--depends-on", first);

        // When the autopilot runs both
        var up = Up(repo);

        // Then both landed, and one agent did both: started once, reused once for the second
        Assert.True(up.ExitCode == 0, Describe(repo, up));
        Assert.Equal("done", Status(repo, first));
        Assert.Equal("done", Status(repo, second));
        Assert.Single(Events(repo, "worker_spawned"));
        var reused = Assert.Single(Events(repo, "worker_reused"));
        Assert.Equal("t1-1", reused.GetProperty("worker").GetString());
        Assert.Equal(second, reused.GetProperty("ticket").GetString());
        Assert.Equal(first, reused.GetProperty("metadata").GetProperty("previous_ticket").GetString());
        Assert.Equal("t1-1", Show(repo, second).GetProperty("assignee").GetString());
        Assert.Equal(second, repo.Worker("t1-1").GetProperty("ticket").GetString());

        // And nothing of the first ticket reached the second: no ignored file, no remembered answer
        var files = repo.Git("ls-tree", "-r", "--name-only", "main");
        Assert.Contains("a.txt", files, StringComparison.Ordinal);
        Assert.Contains("b.txt", files, StringComparison.Ordinal);
        Assert.DoesNotContain("leak-file.txt", files, StringComparison.Ordinal);
        Assert.DoesNotContain("leak-memory.txt", files, StringComparison.Ordinal);

        // And once no ticket was left for it, the agent was ended and its folder removed
        Assert.NotEqual("idle", repo.Worker("t1-1").GetProperty("state").GetString());
        Assert.False(Directory.Exists(Show(repo, second).GetProperty("worktree").GetString()));
    }

    [Fact]
    public void With_hooks_the_reuse_follows_the_agents_stop_hook_instead_of_its_quiet_screen()
    {
        // Given the scripted agent given Claude Code's hook settings (it runs them as Claude Code
        // does), and a chain of two tickets with reuse_agents
        using var repo = new TestRepo();
        Configure(repo, "reuse_agents: true");
        HookedScripted(repo);
        var first = Ticket(repo, "First", Work("T-1", "a.txt", "a"));
        var second = Ticket(repo, "Second", Work("T-2", "b.txt", "b"), "--depends-on", first);

        // When the autopilot runs both
        var up = Up(repo);

        // Then the agent reported its turns through the hooks, and the state that freed it for
        // the second ticket came from its Stop hook, not from the screen's idle debounce
        Assert.True(up.ExitCode == 0, Describe(repo, up));
        Assert.Equal("done", Status(repo, second));
        var hooks = Events(repo, "worker_hook").Select(e => e.GetProperty("message").GetString()!).ToList();
        Assert.Contains(hooks, m => m.StartsWith("hook: SessionStart", StringComparison.Ordinal));
        Assert.Contains(hooks, m => m.StartsWith("hook: UserPromptSubmit", StringComparison.Ordinal));
        Assert.Contains(hooks, m => m.StartsWith("hook: Stop", StringComparison.Ordinal));
        var reused = Assert.Single(Events(repo, "worker_reused"));
        var dispatched = Time(Assert.Single(Events(repo, "task_dispatched", second)));
        var freed = Events(repo, "worker_state_changed", first)
            .Where(e => e.GetProperty("metadata").GetProperty("to").GetString() == "idle" && Time(e) <= dispatched)
            .OrderBy(Time).Last();
        Assert.StartsWith("hook: Stop", freed.GetProperty("metadata").GetProperty("evidence").GetString(), StringComparison.Ordinal);
        Assert.Equal(first, reused.GetProperty("metadata").GetProperty("previous_ticket").GetString());
    }

    /// <summary>The built-in scripted profile, passing the role's Claude Code settings file (hooks) to the agent.</summary>
    internal static void HookedScripted(TestRepo repo)
    {
        Directory.CreateDirectory(Path.Combine(repo.Dir, ".baton", "agents"));
        File.WriteAllText(Path.Combine(repo.Dir, ".baton", "agents", "scripted.yaml"),
            File.ReadAllText(Path.Combine(RepoPaths.Root, "assets", "agents", "scripted.yaml")) + "settings_argument: [\"--settings\", \"{settings_file}\"]\n");
    }
}
