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
        var worker = repo.Worker("t1-1");
        Assert.Equal("idle", worker.GetProperty("state").GetString());
        Assert.Empty(Events(repo, "worker_exit_requested"));
        Assert.True(Directory.Exists(Show(repo, id).GetProperty("worktree").GetString()), "the worktree the kept agent sits in was removed");
    }
}
