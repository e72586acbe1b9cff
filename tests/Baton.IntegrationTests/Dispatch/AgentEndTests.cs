using Baton.IntegrationTests.Support;
using Xunit;
using static Baton.IntegrationTests.Dispatch.AutopilotKit;

namespace Baton.IntegrationTests.Dispatch;

/// <summary>How `baton up` ends the agent of a ticket whose work is over.</summary>
public sealed class AgentEndTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("baton-agent-end-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void The_dead_pane_of_a_crashed_agent_goes_once_its_ticket_moved_on_while_the_loop_runs()
    {
        // Given an agent that crashes on its first attempt; the retry takes a while
        using var repo = new TestRepo();
        Configure(repo);
        var id = Ticket(repo, "Crashes once", Work("T-1", "c.txt", "c", "@once @crash 3\n@sleep 3"));

        // When the loop retries it with a fresh agent
        using (var loop = repo.StartBaton("up", "--plain"))
        {
            try
            {
                TestRepo.WaitUntil(() => Events(repo, "task_dispatched", id).Count == 2, "the retry", 60);

                // Then the crashed agent's dead pane is removed while the loop runs, its exit recorded first
                TestRepo.WaitUntil(() => !repo.Tmux("list-sessions", "-F", "#{session_name}").Stdout.Split('\n').Contains("baton-t1-1"), "the dead pane to go", 30);
                var killed = Assert.Single(Events(repo, "worker_killed"), e => e.GetProperty("worker").GetString() == "t1-1");
                Assert.Equal("exited", killed.GetProperty("metadata").GetProperty("previous_state").GetString());
                Assert.Single(Events(repo, "worker_exited"), e => e.GetProperty("worker").GetString() == "t1-1");
            }
            finally
            {
                repo.Baton("down").Ok();
                loop.WaitForExit(30_000);
            }
        }
    }

    [Fact]
    public void The_exit_command_waits_for_the_turn_that_reported_done_to_end()
    {
        // Given an agent whose turn goes on for a while after `baton ticket done` (as Claude
        // Code's does: that command is a tool call inside the turn), then leaves a mark
        using var repo = new TestRepo();
        Configure(repo);
        var mark = Path.Combine(_dir, "turn-ended");
        var id = Ticket(repo, "Long turn", Work("T-1", "a.txt", "a") + $"\n@sleep 3\n@run touch '{mark}'");

        // When the autopilot takes the ticket through its gate and merge, and ends the agent
        var up = Up(repo);

        // Then the exit command came after the turn's end: the mark is there
        Assert.True(up.ExitCode == 0, Describe(repo, up));
        Assert.Equal("done", Status(repo, id));
        Assert.True(File.Exists(mark), "the agent was asked to exit in the middle of its turn\n" + Describe(repo, up));
    }
}
