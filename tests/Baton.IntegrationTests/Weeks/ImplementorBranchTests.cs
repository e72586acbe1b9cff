using Baton.IntegrationTests.Support;
using Xunit;
using static Baton.IntegrationTests.Dispatch.AutopilotKit;

namespace Baton.IntegrationTests.Weeks;

/// <summary>
/// `ticket create --implementor NAME`: the overseer/implementor model. An implementor's tickets run
/// one after another on the feature's branch feature/F/impl-NAME, pass the implementor's gate, land
/// in the overseer branch (which keeps the implementor branch), and the overseer's status file follows them.
/// </summary>
public sealed class ImplementorBranchTests
{
    private const string Impl = "feature/f1/impl-data";

    [Fact]
    public void An_implementors_tickets_take_turns_on_its_branch_pass_its_gate_and_land_in_the_overseer_branch()
    {
        // Given a feature, and gates that pass only as the right role's: the plain commands fail
        using var repo = new TestRepo();
        Configure(repo, gate: "commands: [\"false\"]\nroles: {implementor: [\"test -f a.txt\"], overseer: [\"test -f b.txt\"]}");
        repo.Baton("feature", "init", "f1", "--implementors", "data").Ok();
        // The first never commits: it fails, its draft uncommitted in the worktree holding the branch.
        var failed = Ticket(repo, "Draft only", "@write notes.txt a draft worth keeping\n@exit", "--feature", "f1", "--implementor", "data");
        var first = Ticket(repo, "Part A", Work("T-2", "a.txt", "a"), "--feature", "f1", "--implementor", "data");
        var second = Ticket(repo, "Part B", Work("T-3", "b.txt", "b"), "--feature", "f1", "--implementor", "data");
        Assert.Equal(Impl, Show(repo, first).GetProperty("branch").GetString());

        // When the loop runs
        var up = Up(repo);

        // Then the failed one's worktree was freed for the next (its draft saved), the others landed in turn
        Assert.True(up.ExitCode == 1, Describe(repo, up)); // one ticket failed
        Assert.Equal("failed", Status(repo, failed));
        Assert.Equal("done", Status(repo, first));
        Assert.Equal("done", Status(repo, second));
        foreach (var id in new[] { first, second })
        {
            Assert.Equal(Impl, Show(repo, id).GetProperty("branch").GetString());
            Assert.Equal("feature/f1/overseer", Show(repo, id).GetProperty("target").GetString());
            Assert.True(Show(repo, id).GetProperty("attempts").GetInt32() == 1, $"{id} started once: it waited for the branch instead of colliding with the ticket on it\n" + Describe(repo, up));
        }

        var dispatched = Events(repo, "task_dispatched");
        var roles = dispatched.Select(e => e.GetProperty("metadata").GetProperty("role").GetString()).Distinct().ToList();
        Assert.Equal(["implementor"], roles);
        Assert.False(Directory.Exists(Show(repo, failed).GetProperty("worktree").GetString()!));
        var wip = repo.Git("for-each-ref", "--format=%(refname)", "refs/baton/wip/" + failed).Trim();
        Assert.Equal("a draft worth keeping\n", repo.Git("show", wip + ":notes.txt"));
        Assert.Equal("a\n", repo.Git("show", "feature/f1/overseer:a.txt"));
        Assert.Equal("b\n", repo.Git("show", "feature/f1/overseer:b.txt"));
        Assert.Equal("b\n", repo.Git("show", Impl + ":b.txt")); // the implementor branch outlives its tickets
        Assert.Equal("", repo.Git("ls-tree", "--name-only", "main").Trim());

        // And the overseer's status file says where the implementor stands
        var status = File.ReadAllText(Path.Combine(repo.Dir, ".baton", "features", "f1", "overseer.md"));
        Assert.Contains("Integration branch: feature/f1/overseer", status, StringComparison.Ordinal);
        Assert.Contains($"| data | {Impl} | - | - | 2 | - |", status, StringComparison.Ordinal);
        Assert.Contains($"- {failed} Draft only — {Impl}", status, StringComparison.Ordinal);

        // gc keeps the implementor branch even once its tickets are long done
        repo.Baton("gc", "--older-than", "0s").Ok();
        Assert.NotEqual("", repo.Git("branch", "--list", Impl).Trim());

        // And the overseer branch lands in main through the overseer's gate
        repo.Baton("merge", "--feature", "f1").Ok();
        up = Up(repo);
        Assert.True(Events(repo, "feature_merged").Count == 1, Describe(repo, up));
        Assert.Equal("b\n", repo.Git("show", "main:b.txt"));
    }

    [Fact]
    public void An_implementor_needs_a_feature_and_a_name_fit_for_a_branch()
    {
        using var repo = new TestRepo();
        repo.Baton("feature", "init", "f1").Ok();

        var alone = repo.Baton("ticket", "create", "x", "--implementor", "data");
        var bad = repo.Baton("ticket", "create", "x", "--feature", "f1", "--implementor", "Data_1");
        var role = repo.Baton("ticket", "create", "x", "--feature", "f1", "--implementor", "data", "--role", "astronaut");

        Assert.Equal(2, alone.ExitCode);
        Assert.Contains("--implementor data needs --feature", alone.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("invalid implementor name 'Data_1' in --implementor", bad.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, role.ExitCode);
        Assert.Contains("astronaut", role.Stderr, StringComparison.Ordinal);
        Assert.Empty(repo.Baton("ticket", "list", "--json").Ok().Json().EnumerateArray());
        var own = repo.Baton("ticket", "create", "Mine", "--feature", "f1", "--implementor", "ui", "--role", "worker").Ok();
        Assert.Equal("worker", Show(repo, own.Stdout.Split(" ")[0]).GetProperty("role_wanted").GetString());

        // The implementor's branch and the overseer branch it merges into are made when missing, once.
        Assert.Contains("created feature/f1/impl-ui from main", own.Stderr, StringComparison.Ordinal);
        Assert.NotEqual("", repo.Git("branch", "--list", "feature/f1/impl-ui").Trim());
        Assert.NotEqual("", repo.Git("branch", "--list", "feature/f1/overseer").Trim());
        Assert.DoesNotContain("created", repo.Baton("ticket", "create", "More", "--feature", "f1", "--implementor", "ui").Ok().Stderr, StringComparison.Ordinal);
    }
}
