using Baton.Core;
using Baton.Core.Config;
using Xunit;

namespace Baton.Core.Tests.Config;

public sealed class BatonPathsTests
{
    private static readonly BatonPaths Repo = BatonPaths.ForRoot("/srv/repo");

    [Fact]
    public void Worktrees_go_under_dot_baton_unless_base_dir_says_otherwise()
    {
        Assert.Equal("/srv/repo/.baton/worktrees", Repo.WorktreesDir);
        Assert.Equal("/srv/repo/.baton/worktrees", Repo.WithWorktreesIn(null).WorktreesDir);
        Assert.Equal("/srv/repo/.baton/worktrees", Repo.WithWorktreesIn("  ").WorktreesDir);
    }

    [Theory]
    [InlineData("../repo-worktrees", "/srv/repo-worktrees")]
    [InlineData("/mnt/big/wt/", "/mnt/big/wt")]
    [InlineData("build/wt", "/srv/repo/build/wt")]
    [InlineData(".github-wt", "/srv/repo/.github-wt")]
    public void A_base_dir_is_resolved_against_the_repositorys_root(string baseDir, string expected)
    {
        var paths = Repo.WithWorktreesIn(baseDir);

        Assert.Equal(expected, paths.WorktreesDir);
        Assert.Equal(Repo.Database, paths.Database); // nothing else moves
    }

    [Theory]
    [InlineData(".git")]
    [InlineData(".git/wt")]
    [InlineData("/srv/repo/.git/worktrees")]
    [InlineData(".")]
    [InlineData(".baton")]
    public void A_base_dir_in_git_or_the_root_or_dot_baton_itself_is_refused(string baseDir)
    {
        var e = Assert.Throws<BatonException>(() => Repo.WithWorktreesIn(baseDir));

        Assert.Contains("workspace.base_dir", e.Message, StringComparison.Ordinal);
        Assert.Contains("../repo-worktrees", e.Message, StringComparison.Ordinal);
    }
}
