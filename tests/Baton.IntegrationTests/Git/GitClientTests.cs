using Baton.Core;
using Baton.Core.Git;
using Baton.Infrastructure.Git;
using Baton.Infrastructure.Processes;
using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Git;

/// <summary>The git adapter against real repositories in temp folders.</summary>
public sealed class GitClientTests : IDisposable
{
    private readonly TestRepo _repo = new(init: false);
    private readonly GitClient _git = new(new ProcessRunner());
    private readonly string _worktrees;

    public GitClientTests()
    {
        // Beside the repository, not inside it: a nested worktree would make the main checkout dirty.
        _worktrees = _repo.Dir + "-wt";
        Commit(_repo.Dir, "a.txt", "one\ntwo\nthree\n", "add a");
    }

    public void Dispose()
    {
        _repo.Dispose();
        if (Directory.Exists(_worktrees))
        {
            Directory.Delete(_worktrees, recursive: true);
        }
    }

    private string Main => _repo.Dir;

    private string Wt(string name) => Path.Combine(_worktrees, name);

    private string Sha(string rev, string? dir = null) => _repo.Git("-C", dir ?? Main, "rev-parse", rev).Trim();

    private string Commit(string dir, string file, string text, string message)
    {
        File.WriteAllText(Path.Combine(dir, file), text);
        _repo.Git("-C", dir, "add", file);
        _repo.Git("-C", dir, "commit", "-q", "-m", message);
        return Sha("HEAD", dir);
    }

    /// <summary>A branch `feature` in its own worktree with one commit changing b.txt.</summary>
    private string Feature(string file = "b.txt", string text = "feature\n")
    {
        _git.AddWorktree(Main, Wt("feature"), "feature", "main");
        return Commit(Wt("feature"), file, text, "feature work");
    }

    [Fact]
    public void Add_worktree_creates_a_new_branch_from_the_start_point()
    {
        var start = Sha("main");
        Commit(Main, "later.txt", "x", "later");

        _git.AddWorktree(Main, Wt("w"), "topic", start);

        Assert.Equal("topic", _git.CurrentBranch(Wt("w")));
        Assert.Equal(start, Sha("HEAD", Wt("w")));
        Assert.Contains((Path.GetFullPath(Wt("w")), "topic"), _git.Worktrees(Main));
    }

    [Fact]
    public void Add_worktree_checks_out_an_existing_branch_as_it_is()
    {
        _repo.Git("branch", "topic");
        var tip = Commit(Main, "later.txt", "x", "later"); // main moves on, topic stays
        _repo.Git("branch", "-f", "topic", tip + "~1");

        _git.AddWorktree(Main, Wt("w"), "topic", "main");

        Assert.Equal(Sha("main~1"), Sha("HEAD", Wt("w")));
    }

    [Fact]
    public void Adding_the_same_worktree_again_re_adopts_it_even_after_its_folder_was_deleted()
    {
        _git.AddWorktree(Main, Wt("w"), "topic", "main");
        var work = Commit(Wt("w"), "b.txt", "b", "work");

        _git.AddWorktree(Main, Wt("w"), "topic", "main"); // a retry: nothing to do
        Directory.Delete(Wt("w"), recursive: true);
        _git.AddWorktree(Main, Wt("w"), "topic", "main"); // the stale registration is pruned

        Assert.Equal(work, Sha("HEAD", Wt("w")));
        Assert.Single(_git.Worktrees(Main), w => w.Branch == "topic");
    }

    [Fact]
    public void Adding_a_worktree_where_one_exists_on_another_branch_fails()
    {
        _git.AddWorktree(Main, Wt("w"), "topic", "main");

        var e = Assert.Throws<BatonException>(() => _git.AddWorktree(Main, Wt("w"), "other", "main"));

        Assert.Contains("topic", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Remove_refuses_a_worktree_with_uncommitted_changes_unless_forced()
    {
        _git.AddWorktree(Main, Wt("w"), "topic", "main");
        File.WriteAllText(Path.Combine(Wt("w"), "new.txt"), "unsaved");

        var e = Assert.Throws<BatonException>(() => _git.RemoveWorktree(Main, Wt("w")));
        Assert.Contains("uncommitted changes", e.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Wt("w"), "new.txt")));

        _git.RemoveWorktree(Main, Wt("w"), force: true);
        Assert.False(Directory.Exists(Wt("w")));
        Assert.DoesNotContain(_git.Worktrees(Main), w => w.Branch == "topic");
    }

    [Fact]
    public void Worktrees_lists_every_checkout_with_its_branch_or_null_when_detached()
    {
        _git.AddWorktree(Main, Wt("w"), "topic", "main");
        _git.AddDetachedWorktree(Main, Wt("scratch"), Sha("main"));

        var list = _git.Worktrees(Main);

        Assert.Equal(3, list.Count);
        Assert.Equal("main", list[0].Branch);
        Assert.Contains((Path.GetFullPath(Wt("scratch")), (string?)null), list);
        Assert.Null(_git.CurrentBranch(Wt("scratch")));
    }

    [Fact]
    public void Resolve_names_a_commit_or_null()
    {
        Assert.Equal(Sha("HEAD"), _git.Resolve(Main, "main"));
        Assert.Null(_git.Resolve(Main, "no-such-branch"));
        Assert.Null(_git.Resolve(Main, "--help"));
    }

    [Fact]
    public void Dirty_means_staged_unstaged_or_untracked_but_not_ignored()
    {
        Commit(Main, ".gitignore", "*.log\n", "ignore logs");
        File.WriteAllText(Path.Combine(Main, "x.log"), "ignored");
        Assert.False(_git.IsDirty(Main));

        File.WriteAllText(Path.Combine(Main, "new.txt"), "untracked");
        Assert.True(_git.IsDirty(Main));
        File.Delete(Path.Combine(Main, "new.txt"));

        File.AppendAllText(Path.Combine(Main, "a.txt"), "four\n");
        Assert.True(_git.IsDirty(Main));
        _repo.Git("add", "a.txt");
        Assert.True(_git.IsDirty(Main));
    }

    [Fact]
    public void Snapshot_saves_untracked_and_modified_files_without_touching_the_checkout()
    {
        _git.AddWorktree(Main, Wt("w"), "topic", "main");
        var w = Wt("w");
        var head = Sha("HEAD", w);
        File.WriteAllText(Path.Combine(w, "a.txt"), "changed\n");
        File.WriteAllText(Path.Combine(w, "staged.txt"), "staged\n");
        _repo.Git("-C", w, "add", "staged.txt");
        File.WriteAllText(Path.Combine(w, "untracked.txt"), "untracked\n");
        var statusBefore = _repo.Git("-C", w, "status", "--porcelain");

        var snapshot = _git.SnapshotWip(w, "refs/baton/wip/topic", "wip: topic");

        Assert.NotNull(snapshot);
        Assert.Equal(snapshot, Sha("refs/baton/wip/topic"));
        Assert.Equal(head, Sha(snapshot + "^"));
        Assert.Equal("changed\n", _repo.Git("show", snapshot + ":a.txt"));
        Assert.Equal("staged\n", _repo.Git("show", snapshot + ":staged.txt"));
        Assert.Equal("untracked\n", _repo.Git("show", snapshot + ":untracked.txt"));

        // The agent's checkout is exactly as it was: same branch tip, same index, same files.
        Assert.Equal(head, Sha("HEAD", w));
        Assert.Equal("topic", _git.CurrentBranch(w));
        Assert.Equal(statusBefore, _repo.Git("-C", w, "status", "--porcelain"));
        Assert.Equal("staged.txt\n", _repo.Git("-C", w, "diff", "--cached", "--name-only"));
        Assert.Empty(Directory.GetFiles(_repo.Git("-C", w, "rev-parse", "--absolute-git-dir").Trim(), "baton-wip-index-*"));
    }

    [Fact]
    public void Snapshot_of_a_clean_checkout_saves_nothing()
    {
        Assert.Null(_git.SnapshotWip(Main, "refs/baton/wip/main", "wip"));
        Assert.Null(_git.Resolve(Main, "refs/baton/wip/main"));
    }

    [Fact]
    public void Refs_lists_snapshots_under_a_prefix_with_their_commit_and_subject()
    {
        File.WriteAllText(Path.Combine(Main, "n.txt"), "n");
        var snapshot = _git.SnapshotWip(Main, "refs/baton/wip/one", "wip: one");

        var refs = _git.Refs(Main, "refs/baton/wip/");

        var r = Assert.Single(refs);
        Assert.Equal(("refs/baton/wip/one", snapshot, "wip: one"), (r.Name, (string?)r.Commit, r.Subject));
        Assert.True(Math.Abs((DateTimeOffset.Now - r.Date).TotalMinutes) < 5);
        Assert.Empty(_git.Refs(Main, "refs/baton/other/"));
    }

    [Fact]
    public void Commits_ahead_counts_what_the_base_lacks()
    {
        Feature();
        Commit(Wt("feature"), "c.txt", "c", "more");

        Assert.Equal(2, _git.CommitsAhead(Main, "main", "feature"));
        Assert.Equal(0, _git.CommitsAhead(Main, "feature", "main"));
    }

    [Fact]
    public void A_branch_merged_by_a_merge_commit_is_merged()
    {
        Feature();
        _repo.Git("merge", "-q", "--no-ff", "-m", "merge", "feature");

        Assert.Equal(MergeState.Merged, _git.MergeState(Main, "feature", "main"));
    }

    [Fact]
    public void A_squash_merged_branch_is_merged_by_patch()
    {
        Feature();
        Commit(Wt("feature"), "c.txt", "c\n", "second");
        Commit(Main, "other.txt", "main moved on\n", "unrelated");
        _repo.Git("merge", "-q", "--squash", "feature");
        _repo.Git("commit", "-q", "-m", "squashed feature");

        Assert.Equal(MergeState.MergedByPatch, _git.MergeState(Main, "feature", "main"));
    }

    [Fact]
    public void A_rebased_branch_is_merged_by_patch()
    {
        Feature();
        Commit(Main, "other.txt", "main moved on\n", "unrelated");
        _repo.Git("cherry-pick", "feature");

        Assert.Equal(MergeState.MergedByPatch, _git.MergeState(Main, "feature", "main"));
    }

    [Fact]
    public void Cherry_picked_work_stays_merged_after_the_target_changes_the_same_lines()
    {
        Feature("a.txt", "one\nTWO\nthree\n");
        Commit(Main, "other.txt", "main moved on\n", "unrelated"); // else the pick could recreate the very same commit
        _repo.Git("cherry-pick", "feature");
        Commit(Main, "a.txt", "one\nTWO again\nthree\n", "rework"); // merge-tree now conflicts; cherry still matches

        Assert.Equal(MergeState.MergedByPatch, _git.MergeState(Main, "feature", "main"));
    }

    [Fact]
    public void A_branch_with_new_work_is_not_merged()
    {
        Feature();
        Commit(Main, "other.txt", "main moved on\n", "unrelated");

        Assert.Equal(MergeState.NotMerged, _git.MergeState(Main, "feature", "main"));
    }

    [Fact]
    public void Merge_makes_a_merge_commit_and_returns_it()
    {
        var feature = Feature();
        Commit(Main, "other.txt", "main moved on\n", "unrelated");
        var before = Sha("HEAD");

        var attempt = _git.Merge(Main, "feature", "merge feature");

        Assert.True(attempt.Merged);
        Assert.Equal(Sha("HEAD"), attempt.Commit);
        Assert.Equal($"{before} {feature}", _repo.Git("log", "-1", "--format=%P").Trim());
        Assert.Equal("merge feature", _repo.Git("log", "-1", "--format=%s").Trim());
        Assert.Empty(attempt.ConflictFiles);
    }

    [Fact]
    public void A_conflicting_merge_is_aborted_and_names_the_files()
    {
        Feature("a.txt", "one\nfeature\nthree\n");
        Commit(Main, "a.txt", "one\nmain\nthree\n", "main edit");
        var before = Sha("HEAD");

        var attempt = _git.Merge(Main, "feature", "merge feature");

        Assert.False(attempt.Merged);
        Assert.Null(attempt.Commit);
        Assert.Equal(["a.txt"], attempt.ConflictFiles);
        Assert.Contains("CONFLICT", attempt.Output, StringComparison.Ordinal);
        Assert.Equal(before, Sha("HEAD"));
        Assert.False(_git.IsDirty(Main));
        Assert.Null(_git.Resolve(Main, "MERGE_HEAD"));
    }

    [Fact]
    public void MergeCommit_merges_without_a_checkout_and_moves_nothing()
    {
        var feature = Feature();
        Commit(Main, "other.txt", "main moved on\n", "unrelated");
        var before = Sha("HEAD");

        var attempt = _git.MergeCommit(Main, before, feature, "merge feature");

        Assert.True(attempt.Merged);
        Assert.Equal($"{before} {feature}", _repo.Git("log", "-1", "--format=%P", attempt.Commit!).Trim());
        Assert.Equal(before, Sha("HEAD"));
        Assert.False(_git.IsDirty(Main));
    }

    [Fact]
    public void MergeCommit_names_conflicting_files_and_sees_work_already_in_the_target()
    {
        var feature = Feature("a.txt", "one\nfeature\nthree\n");
        Commit(Main, "a.txt", "one\nmain\nthree\n", "main edit");

        var conflict = _git.MergeCommit(Main, Sha("main"), feature, "merge");
        Assert.False(conflict.Merged);
        Assert.Equal(["a.txt"], conflict.ConflictFiles);

        _repo.Git("merge", "-q", "--squash", "-X", "theirs", "feature");
        _repo.Git("commit", "-q", "-m", "squashed");
        var same = _git.MergeCommit(Main, Sha("main"), feature, "merge");
        Assert.True(same.Merged);
        Assert.Equal(Sha("main"), same.Commit);
    }

    [Fact]
    public void Fast_forward_of_the_branch_checked_out_in_the_main_checkout_updates_its_files()
    {
        var expected = Sha("main");
        var commit = Feature("new.txt", "from feature\n");

        Assert.True(_git.FastForward(Main, "main", expected, commit));

        Assert.Equal(commit, Sha("main"));
        Assert.Equal("from feature\n", File.ReadAllText(Path.Combine(Main, "new.txt")));
        Assert.False(_git.IsDirty(Main));
    }

    [Fact]
    public void Fast_forward_of_a_branch_not_checked_out_moves_only_the_ref()
    {
        _repo.Git("branch", "release");
        var expected = Sha("release");
        var commit = Feature("new.txt", "from feature\n");

        Assert.True(_git.FastForward(Main, "release", expected, commit));

        Assert.Equal(commit, Sha("release"));
        Assert.Equal(expected, Sha("main"));
        Assert.False(File.Exists(Path.Combine(Main, "new.txt")));
    }

    [Fact]
    public void Fast_forward_refuses_when_the_branch_moved_since()
    {
        _repo.Git("branch", "release");
        var stale = Sha("release");
        var commit = Feature();
        _repo.Git("branch", "-f", "release", commit); // someone else moved it

        Assert.False(_git.FastForward(Main, "release", stale, commit));
        Assert.Equal(commit, Sha("release"));
    }

    [Fact]
    public void Fast_forward_refuses_when_local_changes_are_in_the_way()
    {
        var expected = Sha("main");
        var commit = Feature("a.txt", "one\nfeature\nthree\n");
        File.WriteAllText(Path.Combine(Main, "a.txt"), "local edit\n");

        Assert.False(_git.FastForward(Main, "main", expected, commit));

        Assert.Equal(expected, Sha("main"));
        Assert.Equal("local edit\n", File.ReadAllText(Path.Combine(Main, "a.txt")));
    }

    [Fact]
    public void Fast_forward_to_a_commit_that_does_not_descend_from_expected_is_an_error()
    {
        Feature();
        var side = Commit(Main, "other.txt", "x", "side");

        Assert.Throws<BatonException>(() => _git.FastForward(Main, "feature", Sha("feature"), side));
    }

    [Fact]
    public void Delete_branch_reports_whether_there_was_one()
    {
        _repo.Git("branch", "gone");

        Assert.True(_git.DeleteBranch(Main, "gone"));
        Assert.False(_git.DeleteBranch(Main, "gone"));
        Assert.Null(_git.Resolve(Main, "refs/heads/gone"));
    }

    [Fact]
    public void A_branch_whose_worktree_folder_vanished_can_be_deleted_once_git_forgot_the_worktree()
    {
        _git.AddWorktree(Main, Wt("vanished"), "half-cleaned", "HEAD");
        Directory.Delete(Wt("vanished"), recursive: true);
        Assert.Contains("checked out at", Assert.Throws<Baton.Core.Git.GitCommandFailedException>(() => _git.DeleteBranch(Main, "half-cleaned")).Message, StringComparison.Ordinal);

        _git.Prune(Main);

        Assert.True(_git.DeleteBranch(Main, "half-cleaned"));
        Assert.DoesNotContain(_git.Worktrees(Main), w => w.Path == Wt("vanished"));
    }

    [Fact]
    public void A_failed_command_is_one_line_naming_the_command_and_what_git_said()
    {
        var e = Assert.Throws<GitCommandFailedException>(() => _git.AddDetachedWorktree(Main, Wt("x"), "no-such-commit"));

        Assert.Contains("git worktree add", e.Message, StringComparison.Ordinal);
        Assert.Contains("no-such-commit", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }
}
