using Baton.IntegrationTests.Support;
using Xunit;
using static Baton.IntegrationTests.Dispatch.AutopilotKit;

namespace Baton.IntegrationTests.Weeks;

/// <summary>`baton gate`: the quality gate on demand, on a branch or on a live ticket's committed work, recorded like any gate run.</summary>
public sealed class GateCommandTests
{
    [Fact]
    public void A_branch_is_tested_in_a_scratch_worktree_and_recorded_passing_or_failing()
    {
        using var repo = new TestRepo();
        Configure(repo, gate: "commands: [\"test -f ok.txt\", \"echo 3 passed\"]");
        repo.Git("switch", "-q", "-c", "good");
        File.WriteAllText(Path.Combine(repo.Dir, "ok.txt"), "ok\n");
        repo.Git("add", "ok.txt");
        repo.Git("commit", "-q", "-m", "ok");
        repo.Git("switch", "-q", "main");

        var pass = repo.Baton("gate", "--branch", "good", "--json").Ok().Json();
        Assert.Equal("passed", pass.GetProperty("status").GetString());
        Assert.Equal("manual", pass.GetProperty("kind").GetString());
        Assert.Equal(3, pass.GetProperty("passed").GetInt32());
        Assert.Equal(repo.Git("rev-parse", "good").Trim(), pass.GetProperty("commit").GetString());

        var fail = repo.Baton("gate", "--branch", "main");
        Assert.Equal(1, fail.ExitCode);
        Assert.Contains("gate failed on main", fail.Stdout, StringComparison.Ordinal);
        Assert.Contains("`test -f ok.txt` failed", fail.Stdout, StringComparison.Ordinal);
        Assert.Contains("gate: running 2 gate commands", fail.Stderr, StringComparison.Ordinal);

        // Both runs are in the events, and no scratch worktree is left behind.
        Assert.Single(Events(repo, "gate_passed"));
        Assert.Single(Events(repo, "gate_failed"));
        Assert.DoesNotContain("_gate-", repo.Git("worktree", "list"), StringComparison.Ordinal);
        Assert.Empty(Directory.GetDirectories(Path.Combine(repo.Dir, ".baton", "worktrees"), "_gate-*"));
        Assert.Equal("", repo.Git("status", "--porcelain"));
    }

    [Fact]
    public void A_live_tickets_gate_runs_while_its_agent_works_and_shows_in_the_ticket()
    {
        using var repo = new TestRepo();
        Configure(repo, gate: "commands: [\"test -f part.txt\"]");
        var id = Ticket(repo, "Slow work", "@write part.txt first part\n@commit T-1: first part\n@write scratch.txt not committed\n@sleep 60\n@run baton ticket done T-1");
        using var loop = repo.StartBaton("up", "--plain");
        try
        {
            TestRepo.WaitUntil(() => Events(repo, "task_dispatched").Count == 1 && Committed(repo, "T-1: first part"),
                "the agent to commit its first part", 60);

            var run = repo.Baton("gate", id, "--json").Ok().Json();

            Assert.Equal("passed", run.GetProperty("status").GetString());
            Assert.Equal(id, run.GetProperty("ticket").GetString());
            Assert.Equal("in-progress", Status(repo, id)); // the gate on demand moves no ticket
            var worktree = Show(repo, id).GetProperty("worktree").GetString()!;
            Assert.True(File.Exists(Path.Combine(worktree, "scratch.txt")), "the agent's uncommitted file is untouched");
            var runs = repo.Baton("gates", "--ticket", id, "--json").Ok().Json();
            Assert.Contains(runs.EnumerateArray(), r => r.GetProperty("kind").GetString() == "manual" && r.GetProperty("status").GetString() == "passed");
        }
        finally
        {
            repo.Baton("down");
        }
    }

    [Fact]
    public void A_tickets_gate_is_its_roles_gate_under_up_and_on_demand()
    {
        using var repo = new TestRepo();
        Configure(repo, gate: "commands: [\"false\"]\nroles: {implementor: [\"test -f role.ok\"]}");
        Role(repo, "implementor", text => text);
        var id = Ticket(repo, "Implement", Work("T-1", "role.ok", "yes"), "--role", "implementor");

        var up = Up(repo);

        Assert.True(up.ExitCode == 0, Describe(repo, up));
        Assert.Equal("done", Status(repo, id));
        Assert.Contains("test -f role.ok", Assert.Single(Events(repo, "gate_started", id)).GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, repo.Baton("gate", "--branch", "main", "--role", "implementor").ExitCode); // main has role.ok now
        Assert.Equal(1, repo.Baton("gate", "--branch", "main").ExitCode); // gate.commands: false
    }

    [Theory]
    [InlineData(new[] { "gate" }, "name a ticket")]
    [InlineData(new[] { "gate", "T-1", "--branch", "main" }, "not both")]
    [InlineData(new[] { "gate", "T-99" }, "unknown ticket T-99")]
    [InlineData(new[] { "gate", "--branch", "nope" }, "no branch 'nope'")]
    [InlineData(new[] { "gate", "--branch", "--x" }, "invalid branch name")]
    public void Bad_input_is_refused_with_what_to_do(string[] args, string message)
    {
        using var repo = new TestRepo();
        Configure(repo, gate: "commands: [\"true\"]");

        var r = repo.Baton(args);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains(message, r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_gate_commands_it_says_where_to_configure_them()
    {
        using var repo = new TestRepo();

        var r = repo.Baton("gate", "--branch", "main");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("gate.commands in .baton/config.yaml", r.Stderr, StringComparison.Ordinal);
    }

    // `git log --all` reads every worktree's metadata: one the loop is adding at that instant
    // ("failed to read .git/worktrees/NAME/commondir") is not there yet, so ask again next poll.
    private static bool Committed(TestRepo repo, string subject)
    {
        try
        {
            return repo.Git("log", "--all", "--format=%s").Contains(subject, StringComparison.Ordinal);
        }
        catch (InvalidOperationException e) when (e.Message.Contains(".git/worktrees/", StringComparison.Ordinal))
        {
            return false;
        }
    }
}
