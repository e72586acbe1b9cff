using Baton.Core;
using Baton.Core.Merge;
using Baton.Core.Nodes;
using Baton.Core.Security;
using Baton.Core.Tickets;
using Baton.Infrastructure.Files;
using Baton.Infrastructure.Git;
using Baton.Infrastructure.Processes;
using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Nodes;

/// <summary>
/// Two clones of one bare remote with real git, for the paths beside a fresh worktree that start a
/// branch in a node's clone: a stacked ticket from its parent's branch another clone pushed, and a
/// reused agent's folder switched in place onto a target another clone moved.
/// </summary>
public sealed class CloneBranchesGitTests : IDisposable
{
    private readonly GitClient _git = new(new ProcessRunner());
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "baton-clones-" + Guid.NewGuid().ToString("N")[..10]);

    public CloneBranchesGitTests()
    {
        Directory.CreateDirectory(_dir);
        Git(_dir, "init", "-q", "--bare", "-b", "main", Bare);
        foreach (var clone in new[] { A, B })
        {
            Git(_dir, "clone", "-q", Bare, clone);
            Git(clone, "config", "user.email", "node@example.com");
            Git(clone, "config", "user.name", "Node");
        }

        Git(A, "commit", "-q", "--allow-empty", "-m", "initial");
        Git(A, "push", "-q", "origin", "main");
        Git(B, "pull", "-q", "origin", "main");
    }

    private string Bare => Path.Combine(_dir, "remote.git");

    private string A => Path.Combine(_dir, "a");

    private string B => Path.Combine(_dir, "b");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    internal static string Git(string dir, params string[] args)
    {
        var r = TestRepo.Run("git", ["-C", dir, .. args], dir, null, new Dictionary<string, string>(), TimeSpan.FromSeconds(30));
        Assert.True(r.ExitCode == 0, $"git {string.Join(' ', args)} failed in {dir}: {r.Stderr}");
        return r.Stdout.Trim();
    }

    private SharedRemote Remote(string clone) => new(_git, _git, _git, "origin", clone, Path.Combine(clone, ".baton", "worktrees"));

    private static string Commit(string worktree, string file)
    {
        File.WriteAllText(Path.Combine(worktree, file), file + "\n");
        Git(worktree, "add", file);
        Git(worktree, "commit", "-q", "-m", "add " + file);
        return Git(worktree, "rev-parse", "HEAD");
    }

    private static Ticket Claimed(long number, string branch) =>
        new() { Number = number, Title = "work", Status = TicketStatus.InProgress, Branch = branch, Target = "main", CreatedAt = DateTimeOffset.UnixEpoch, UpdatedAt = DateTimeOffset.UnixEpoch };

    [Fact]
    public void A_stacked_ticket_s_worktree_starts_from_the_parent_s_branch_another_clone_pushed_and_an_unpushed_parent_fails_the_start()
    {
        // Given clone A ran the parent and pushed its tested branch
        var a = Remote(A);
        var wtA = Path.Combine(A, ".baton", "worktrees", "T-1");
        _git.AddWorktree(A, wtA, "baton/T-1-parent", "main");
        var tested = Commit(wtA, "parent.txt");
        Assert.True(a.PushBranch("baton/T-1-parent", tested, a.Tracking("baton/T-1-parent")));

        // When clone B prepares the dependent stacked on it, then makes its worktree from the parent's branch
        var b = Remote(B);
        b.Prepare(Claimed(2, "baton/T-2-child"), "baton/T-1-parent");
        var wtB = Path.Combine(B, ".baton", "worktrees", "T-2");
        _git.AddWorktree(B, wtB, "baton/T-2-child", "baton/T-1-parent");

        // Then the dependent has the parent's work
        Assert.Equal(tested, _git.Resolve(wtB, "HEAD"));
        Assert.True(File.Exists(Path.Combine(wtB, "parent.txt")));

        // And a parent whose branch is nowhere fails the start, with nothing made
        var e = Assert.Throws<BatonException>(() => b.Prepare(Claimed(3, "baton/T-3-child"), "baton/T-9-unpushed"));
        Assert.Contains("neither this clone nor origin has", e.Message, StringComparison.Ordinal);
        Assert.Null(_git.Resolve(B, "refs/heads/baton/T-9-unpushed"));
    }

    [Fact]
    public void A_reused_agent_s_folder_switched_in_place_starts_from_the_target_another_clone_landed()
    {
        // Given an agent's folder in clone B, on the branch of its landed ticket, and clone A then landed more on main
        var b = Remote(B);
        var folder = Path.Combine(B, ".baton", "worktrees", "T-1");
        _git.AddWorktree(B, folder, "baton/T-1-old", "main");
        Commit(folder, "old.txt");
        var a = Remote(A);
        var wtA = Path.Combine(A, ".baton", "worktrees", "land");
        _git.AddWorktree(A, wtA, "baton/T-5-other", "main");
        var landed = Commit(wtA, "landed.txt");
        Assert.True(a.Land("main", _git.Resolve(A, "refs/heads/main")!, landed));
        Assert.NotEqual(landed, _git.Resolve(B, "refs/heads/main"));

        // When its next ticket is prepared as a fresh worktree's would be, then the folder is switched onto it
        b.Prepare(Claimed(6, "baton/T-6-next"), null);
        _git.SwitchFresh(folder, "baton/T-6-next", "main");

        // Then it starts from what A landed, and nothing of the old ticket stays
        Assert.Equal(landed, _git.Resolve(folder, "HEAD"));
        Assert.True(File.Exists(Path.Combine(folder, "landed.txt")));
        Assert.False(File.Exists(Path.Combine(folder, "old.txt")));
    }

    private MergeJob Job(string clone) => new(_git, _git, _git, _git, new GateRunner(new ProcessRunner(), new Redactor([])), new LocalFiles()) { Remote = Remote(clone) };

    private static MergeRequest ByHand(string branch) =>
        new() { Id = 1, Ticket = 1, Branch = branch, Target = "main", Status = MergeRequestStatus.Queued, Detail = "queued by hand", CreatedAt = DateTimeOffset.UnixEpoch, UpdatedAt = DateTimeOffset.UnixEpoch };

    [Fact]
    public async Task A_branch_merged_by_hand_in_another_clone_is_fetched_and_lands_on_the_remote_by_the_guarded_push()
    {
        // Given clone A pushed a ticket's branch, and the merge queue runs in clone B, which never had it
        var a = Remote(A);
        var wtA = Path.Combine(A, ".baton", "worktrees", "T-1");
        _git.AddWorktree(A, wtA, "baton/T-1-work", "main");
        var pushed = Commit(wtA, "work.txt");
        Assert.True(a.PushBranch("baton/T-1-work", pushed, a.Tracking("baton/T-1-work")));
        Assert.Null(_git.Resolve(B, "refs/heads/baton/T-1-work"));

        // When B lands it as a hand-queued request (no tested commit; a gate on the result)
        var outcome = await Job(B).RunAsync(B, Path.Combine(_dir, "scratch-b"), ByHand("baton/T-1-work"), null, "Merge T-1", ["test -f work.txt"], TimeSpan.FromMinutes(1), CancellationToken.None);

        // Then A's work is on the remote's main, pushed from B, and B's main followed
        Assert.Equal(MergeOutcome.Merged, outcome.Result);
        Assert.Contains("pushed to origin", outcome.Detail, StringComparison.Ordinal);
        var main = Git(Bare, "rev-parse", "refs/heads/main");
        Assert.Equal(outcome.Commit, main);
        Assert.Equal("0", Git(Bare, "rev-list", "--count", $"{main}..{pushed}"));
        Assert.Equal(main, _git.Resolve(B, "refs/heads/main"));

        // And a branch neither clone nor the remote has fails by name
        var missing = await Assert.ThrowsAsync<BatonException>(() => Job(B).RunAsync(B, Path.Combine(_dir, "scratch-b"), ByHand("baton/T-9-nowhere"), null, "Merge T-9", [], TimeSpan.FromMinutes(1), CancellationToken.None));
        Assert.Contains("here or on origin", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_feature_s_overseer_branch_stale_in_this_clone_merges_as_the_remote_has_it()
    {
        // Given feature/x/overseer in both clones, and a ticket landed on it from clone A (the remote's moved on)
        Git(A, "branch", "feature/x/overseer", "main");
        Git(A, "push", "-q", "origin", "feature/x/overseer");
        Git(B, "fetch", "-q", "origin");
        Git(B, "branch", "feature/x/overseer", "origin/feature/x/overseer");
        var a = Remote(A);
        var wtA = Path.Combine(A, ".baton", "worktrees", "T-2");
        _git.AddWorktree(A, wtA, "baton/T-2-part", "feature/x/overseer");
        var part = Commit(wtA, "part.txt");
        a.SyncTarget("feature/x/overseer");
        Assert.True(a.Land("feature/x/overseer", _git.Resolve(A, "refs/heads/feature/x/overseer")!, part));

        // When clone B, holding the merge queue, lands the overseer branch into main
        var request = ByHand("feature/x/overseer") with { Ticket = null };
        var outcome = await Job(B).RunAsync(B, Path.Combine(_dir, "scratch-b"), request, null, "Merge feature x", [], TimeSpan.FromMinutes(1), CancellationToken.None);

        // Then main on the remote has the ticket's work, not B's stale overseer branch alone
        Assert.Equal(MergeOutcome.Merged, outcome.Result);
        var main = Git(Bare, "rev-parse", "refs/heads/main");
        Assert.Equal("0", Git(Bare, "rev-list", "--count", $"{main}..{part}"));
    }

    [Fact]
    public void A_pull_request_s_branch_is_the_one_another_clone_pushed_and_goes_to_the_pull_request_s_remote()
    {
        // Given clone A ran the ticket and pushed its branch to the shared remote; clone B opens pull requests on another remote
        var github = Path.Combine(_dir, "github.git");
        Git(_dir, "init", "-q", "--bare", "-b", "main", github);
        Git(B, "remote", "add", "github", github);
        var a = Remote(A);
        var wtA = Path.Combine(A, ".baton", "worktrees", "T-1");
        _git.AddWorktree(A, wtA, "baton/T-1-work", "main");
        var tested = Commit(wtA, "work.txt");
        Assert.True(a.PushBranch("baton/T-1-work", tested, a.Tracking("baton/T-1-work")));

        // When B pushes it for the pull request
        Baton.Core.GitHub.PullRequestBranch.Push(_git, _git, Remote(B), B, "github", "T-1", "baton/T-1-work");

        // Then the pull request's remote has the tested commit
        Assert.Equal(tested, Git(github, "rev-parse", "refs/heads/baton/T-1-work"));
    }

    [Fact]
    public void A_feature_ticket_claimed_in_a_clone_without_the_integration_branch_targets_and_starts_from_the_remote_s()
    {
        // Given feature x's overseer branch made in clone A, with a commit, and pushed
        var wtA = Path.Combine(A, ".baton", "worktrees", "overseer");
        _git.AddWorktree(A, wtA, "feature/x/overseer", "main");
        var integrated = Commit(wtA, "integrated.txt");
        Git(A, "push", "-q", "origin", "feature/x/overseer");

        // When clone B chooses a feature ticket's target and prepares its worktree
        var b = Remote(B);
        var ticket = new Ticket { Number = 4, Title = "part", Status = TicketStatus.Queued, Feature = "x", CreatedAt = DateTimeOffset.UnixEpoch, UpdatedAt = DateTimeOffset.UnixEpoch };
        var target = Baton.Core.Dispatch.Dispatcher.Target(new Baton.Core.Config.AutopilotConfig(), _git, B, ticket, b.Fetch);
        b.Prepare(ticket with { Target = target, Branch = "baton/T-4-part" }, null);
        var wtB = Path.Combine(B, ".baton", "worktrees", "T-4");
        _git.AddWorktree(B, wtB, "baton/T-4-part", target);

        // Then it merges into, and starts from, the feature's branch as A pushed it
        Assert.Equal("feature/x/overseer", target);
        Assert.Equal(integrated, _git.Resolve(wtB, "HEAD"));
    }

    [Fact]
    public async Task A_ticket_another_clone_merged_has_its_worktree_removed_by_the_clone_that_ran_it_and_no_other_clone_s()
    {
        // Given clone A ran T-1 and pushed it, and clone B (holding the merge queue) landed it; B has a worktree of its own too
        var a = Remote(A);
        var wtA = Path.Combine(A, ".baton", "worktrees", "T-1");
        _git.AddWorktree(A, wtA, "baton/T-1-work", "main");
        var tested = Commit(wtA, "work.txt");
        Assert.True(a.PushBranch("baton/T-1-work", tested, a.Tracking("baton/T-1-work")));
        Remote(B).Fetch("baton/T-1-work");
        var outcome = await Job(B).RunAsync(B, Path.Combine(_dir, "scratch-b"), ByHand("baton/T-1-work") with { Detail = "tested " + tested }, tested, "Merge T-1", [], TimeSpan.FromMinutes(1), CancellationToken.None);
        Assert.Equal(MergeOutcome.Merged, outcome.Result);
        var wtB = Path.Combine(B, ".baton", "worktrees", "T-2");
        _git.AddWorktree(B, wtB, "baton/T-2-other", "main");
        var done = Claimed(1, "baton/T-1-work") with { Status = TicketStatus.Done, Worktree = wtA };
        var otherDone = Claimed(2, "baton/T-2-other") with { Status = TicketStatus.Done, Worktree = wtB };

        using var store = Baton.Infrastructure.Storage.Sqlite.SqliteStore.Open(Path.Combine(_dir, "baton.db"), create: true);
        var files = new LocalFiles();
        var clock = TimeProvider.System;

        // A's main lags the remote's: on its own main the branch does not look merged, and the worktree stays
        new Baton.Core.Dispatch.TicketWorktrees(_git, _git, _git, store, clock, A, files) { Local = a.Owns }.RemoveIfFinished(done);
        Assert.True(Directory.Exists(wtA));

        // When A's clean-up asks the remote's main, the worktree and the merged branch go
        var cleanUp = new Baton.Core.Dispatch.TicketWorktrees(_git, _git, _git, store, clock, A, files) { Local = a.Owns, MergedInto = a.MergedInto };
        cleanUp.RemoveIfFinished(done);
        Assert.False(Directory.Exists(wtA));
        Assert.Null(_git.Resolve(A, "refs/heads/baton/T-1-work"));

        // And A never touches B's worktree, done as it is
        Git(B, "merge", "-q", "--ff-only", "baton/T-2-other");
        cleanUp.RemoveIfFinished(otherDone);
        Assert.True(Directory.Exists(wtB));
        Assert.Equal("baton/T-2-other", _git.CurrentBranch(wtB));
    }
}
