using Baton.IntegrationTests.Support;
using Xunit;
using static Baton.IntegrationTests.Dispatch.AutopilotKit;

namespace Baton.IntegrationTests.Weeks;

/// <summary>What an agent under `baton up` knows about its ticket from its environment, and the events it logs about it.</summary>
public sealed class AgentContextTests
{
    [Fact]
    public void An_agent_knows_its_ticket_branch_and_worktree_and_logs_events_with_feature_and_role()
    {
        using var repo = new TestRepo();
        Configure(repo);
        repo.Baton("feature", "add", "f1", "Feature one").Ok();
        var id = Ticket(repo, "Knows itself",
            "@run echo \"$BATON_TICKET|$BATON_BRANCH|$BATON_WORKTREE\" > env.txt\n"
            + "@commit T-1: where I am\n"
            + "@run baton events log progress_note \"half way\" --ticket 1 --feature f1\n"
            + "@run baton ticket done T-1 --summary env");

        var up = Up(repo);

        Assert.True(up.ExitCode == 0, Describe(repo, up));
        var ticket = Show(repo, id);
        var parts = repo.Git("show", "main:env.txt").TrimEnd('\n').Split('|');
        Assert.Equal("T-1", parts[0]);
        Assert.Equal(ticket.GetProperty("branch").GetString(), parts[1]);
        Assert.Equal(ticket.GetProperty("worktree").GetString(), parts[2]);
        var note = Assert.Single(Events(repo, "progress_note"));
        Assert.Equal("T-1", note.GetProperty("ticket").GetString());
        Assert.Equal("f1", note.GetProperty("feature").GetString());
        Assert.Equal("worker", note.GetProperty("role").GetString());
    }

    [Fact]
    public void Events_log_refuses_an_unknown_feature_or_role_and_says_where_to_look()
    {
        using var repo = new TestRepo();

        var feature = repo.Baton("events", "log", "note", "x", "--feature", "nope");
        Assert.Equal(2, feature.ExitCode);
        Assert.Contains("unknown feature 'nope'", feature.Stderr, StringComparison.Ordinal);
        var role = repo.Baton("events", "log", "note", "x", "--role", "astronaut");
        Assert.Equal(2, role.ExitCode);
        Assert.Contains("unknown role 'astronaut'", role.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, repo.Baton("events", "log", "note", "x", "--ticket", "T-x").ExitCode);
    }
}
