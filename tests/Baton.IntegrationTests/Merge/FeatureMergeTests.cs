using Baton.IntegrationTests.Support;
using Xunit;
using static Baton.IntegrationTests.Dispatch.AutopilotKit;

namespace Baton.IntegrationTests.Merge;

/// <summary>A feature's tickets land in its overseer branch; `baton merge --feature` lands the overseer branch in main.</summary>
public sealed class FeatureMergeTests
{
    [Fact]
    public void Feature_work_lands_in_the_overseer_branch_and_the_overseer_branch_lands_in_main()
    {
        // Given a feature with its branches, and a ticket of it
        using var repo = new TestRepo();
        Configure(repo, gate: "commands: [\"test -f goals.txt\"]");
        repo.Baton("feature", "init", "003-goals", "--implementors", "data").Ok();
        var json = repo.Baton("feature", "init", "003-goals", "--implementors", "data", "--json").Ok().Json();
        Assert.All(json.GetProperty("branches").EnumerateArray(), b => Assert.False(b.GetProperty("created").GetBoolean())); // idempotent
        var id = Ticket(repo, "Goals", Work("T-1", "goals.txt", "read 12 books"), "--feature", "003-goals");

        // When the loop runs: the ticket merges into the overseer branch, not main
        var up = Up(repo);
        Assert.True(up.ExitCode == 0, Describe(repo, up));
        Assert.Equal("done", Status(repo, id));
        Assert.Equal("read 12 books\n", repo.Git("show", "feature/003-goals/overseer:goals.txt"));
        Assert.NotEqual(0, TestRepo.Run("git", ["-C", repo.Dir, "cat-file", "-e", "main:goals.txt"], repo.Dir, null, new Dictionary<string, string>(), TimeSpan.FromSeconds(10)).ExitCode);

        // Bad requests say what to do.
        Assert.Contains("which ticket", repo.Baton("merge").Stderr, StringComparison.Ordinal);
        Assert.Equal(2, repo.Baton("merge", "--feature", "nope").ExitCode);

        // When the overseer branch is queued and the loop runs again
        repo.Baton("merge", "--feature", "003-goals").Ok();
        Assert.Contains("already queued", repo.Baton("merge", "--feature", "003-goals").Ok().Stdout, StringComparison.Ordinal);
        up = Up(repo);

        // Then main has the feature, after the gate passed on the result
        Assert.True(up.ExitCode == 0, Describe(repo, up));
        Assert.Equal("read 12 books\n", repo.Git("show", "main:goals.txt"));
        Assert.Single(Events(repo, "feature_merged"));
        Assert.Contains(repo.Baton("merge-queue", "--json").Ok().Json().EnumerateArray(),
            m => m.GetProperty("branch").GetString() == "feature/003-goals/overseer" && m.GetProperty("status").GetString() == "merged");
    }
}
