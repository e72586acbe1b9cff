using Baton.IntegrationTests.Support;
using Xunit;
using static Baton.IntegrationTests.Dispatch.AutopilotKit;

namespace Baton.IntegrationTests.Conflicts;

/// <summary>hold_on_overlap: a ticket whose declared paths cover files a live branch changes waits until that branch merges.</summary>
public sealed class HoldOnOverlapTests
{
    [Fact]
    public void A_ticket_whose_paths_overlap_a_live_branch_waits_until_it_merges()
    {
        // Given T-1 at work on src/api.txt (committed, still busy), and hold_on_overlap on
        using var repo = new TestRepo();
        Configure(repo, autopilot: "max_workers: 3\nhold_on_overlap: true");
        var first = Ticket(repo, "API", Work("T-1", "src/api.txt", "api v2", before: "@write src/api.txt api v1\n@commit T-1: first cut\n@sleep 6"));
        using var loop = repo.StartBaton("up", "--plain");
        try
        {
            TestRepo.WaitUntil(() => Show(repo, first).GetProperty("branch").ValueKind == System.Text.Json.JsonValueKind.String
                && repo.Git("log", "--format=%s", Show(repo, first).GetProperty("branch").GetString()!).Contains("first cut", StringComparison.Ordinal), "T-1's first commit", 30);

            // When two tickets arrive: one whose paths cover src/, one elsewhere
            var held = Ticket(repo, "Also the API", Work("T-2", "src/api2.txt", "more"), "--paths", "src/**");
            var free = Ticket(repo, "Docs", Work("T-3", "docs/readme.txt", "docs"), "--paths", "docs/**");

            // Then the docs ticket starts while the overlapping one waits, and it starts after T-1 merged.
            TestRepo.WaitUntil(() => Status(repo, first) == "done" && Status(repo, held) == "done" && Status(repo, free) == "done", "all three done", 90);
            var hold = Assert.Single(Events(repo, "task_held", held));
            Assert.Contains("src/api.txt", hold.GetProperty("message").GetString()!, StringComparison.Ordinal);
            Assert.Empty(Events(repo, "task_held", free));
            // It started only once T-1's work was in main (the merge moves main before its outcome is recorded):
            // its own commit descends from T-1's.
            var t1 = repo.Git("log", "main", "--format=%H", "--grep", "T-1: first cut").Trim();
            var t2 = repo.Git("log", "main", "--format=%H", "--grep", "T-2: work").Trim();
            Assert.Equal(0, TestRepo.Run("git", ["-C", repo.Dir, "merge-base", "--is-ancestor", t1, t2], repo.Dir, null, new Dictionary<string, string>(), TimeSpan.FromSeconds(10)).ExitCode);
            Assert.True(Time(Assert.Single(Events(repo, "task_dispatched", held))) > Time(Assert.Single(Events(repo, "merge_queued", first))), "held past T-1's gate");
        }
        finally
        {
            repo.Baton("down");
        }
    }
}
