using Baton.Core.Git;
using Baton.Core.Merge;
using Baton.Core.Security;
using Baton.Core.Tests.Fakes;
using Xunit;

namespace Baton.Core.Tests.Merge;

/// <summary>How a scratch merge worktree left behind is removed, on fake git and the in-memory file system.</summary>
public sealed class ScratchWorktreeTests
{
    private const string Repo = "/repo";
    private const string Scratch = "/repo/.baton/worktrees/_merge-3";
    private readonly FakeGit _git = new();
    private readonly InMemoryFiles _files = new();
    private readonly MergeJob _job;

    public ScratchWorktreeTests()
    {
        _job = new MergeJob(_git, _git, _git, _git, new GateRunner(new ScriptedProcessRunner(), new Redactor([])), _files);
    }

    [Fact]
    public void A_scratch_worktree_git_knows_is_removed_by_git()
    {
        _files.CreateDirectory(Scratch);
        _git.Trees.Add((Scratch, null));

        _job.RemoveScratch(Repo, Scratch);

        Assert.Equal([$"worktree remove {Scratch} --force"], _git.Calls);
        Assert.Empty(_git.Trees);
    }

    [Fact]
    public void A_scratch_folder_git_refuses_to_remove_is_deleted_with_everything_in_it()
    {
        _files.WriteText(Scratch + "/src/half-merged.cs", "<<<<<<<");
        _git.OnRemoveWorktree = path => throw new GitCommandFailedException(["worktree", "remove", "--force", path], 128, $"fatal: '{path}' is not a working tree");

        _job.RemoveScratch(Repo, Scratch);

        Assert.False(_files.DirectoryExists(Scratch));
        Assert.Empty(_files.AllFiles);
    }

    [Fact]
    public void A_worktree_whose_folder_is_gone_is_still_pruned_from_git()
    {
        _git.Trees.Add((Scratch + "/", null));

        _job.RemoveScratch(Repo, Scratch);

        Assert.Equal([$"worktree remove {Scratch} --force"], _git.Calls);
    }

    [Fact]
    public void Nothing_left_behind_means_nothing_to_do()
    {
        _job.RemoveScratch(Repo, Scratch);

        Assert.Empty(_git.Calls);
    }
}
