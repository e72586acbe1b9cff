using Baton.Core;
using Baton.Core.Nodes;
using Baton.Infrastructure.Git;
using Baton.Infrastructure.Processes;
using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Nodes;

/// <summary>
/// Two clones of one bare remote with real git: a branch pushed from one resumes in the other (made,
/// or fast-forwarded with its worktree), and pushes are compare-and-swaps on the remote's branch.
/// </summary>
public sealed class SharedRemoteGitTests : IDisposable
{
    private const string Branch = "baton/T-1-work";
    private readonly GitClient _git = new(new ProcessRunner());
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "baton-remote-" + Guid.NewGuid().ToString("N")[..10]);

    public SharedRemoteGitTests()
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

    private static string Git(string dir, params string[] args)
    {
        var r = TestRepo.Run("git", ["-C", dir, .. args], dir, null, new Dictionary<string, string>(), TimeSpan.FromSeconds(30));
        Assert.True(r.ExitCode == 0, $"git {string.Join(' ', args)} failed in {dir}: {r.Stderr}");
        return r.Stdout.Trim();
    }

    private SharedRemote Remote(string clone) => new(_git, _git, _git, "origin", clone, Path.Combine(clone, ".baton", "worktrees"));

    /// <summary>A commit on the branch checked out in <paramref name="worktree"/>, writing FILE.</summary>
    private static string Commit(string worktree, string file)
    {
        File.WriteAllText(Path.Combine(worktree, file), file + "\n");
        Git(worktree, "add", file);
        Git(worktree, "commit", "-q", "-m", "add " + file);
        return Git(worktree, "rev-parse", "HEAD");
    }

    [Fact]
    public void A_branch_pushed_from_one_clone_resumes_in_another_made_or_fast_forwarded_with_its_worktree()
    {
        // Given clone A's attempt committed on the ticket's branch and pushed it
        var a = Remote(A);
        var wtA = Path.Combine(A, ".baton", "worktrees", "T-1");
        _git.AddWorktree(A, wtA, Branch, "main");
        var first = Commit(wtA, "one.txt");
        Assert.True(a.PushBranch(Branch, first, a.Tracking(Branch)));
        Assert.Equal(first, Git(Bare, "rev-parse", "refs/heads/" + Branch));
        Assert.Equal(first, a.Tracking(Branch));

        // When clone B, which lacks the branch, claims the ticket
        var b = Remote(B);
        Assert.Null(_git.Resolve(B, "refs/heads/" + Branch));
        Assert.Contains("resumed", b.ResumeBranch(Branch), StringComparison.Ordinal);
        var wtB = Path.Combine(B, ".baton", "worktrees", "T-1");
        _git.AddWorktree(B, wtB, Branch, "main");

        // Then its worktree starts from A's commit
        Assert.Equal(first, _git.Resolve(wtB, "HEAD"));
        Assert.True(File.Exists(Path.Combine(wtB, "one.txt")));

        // And when A's next attempt pushes more, B's existing worktree is fast-forwarded to it
        var second = Commit(wtB, "two.txt");
        Assert.True(b.PushBranch(Branch, second, b.Tracking(Branch)));
        Assert.Contains("brought up", a.ResumeBranch(Branch), StringComparison.Ordinal);
        Assert.Equal(second, _git.Resolve(wtA, "HEAD"));
        Assert.True(File.Exists(Path.Combine(wtA, "two.txt")));
        Assert.Null(a.ResumeBranch("baton/T-9-never-pushed"));
    }

    [Fact]
    public void A_push_from_a_stale_view_of_the_remote_is_refused_and_the_target_lands_only_from_where_it_was_fetched()
    {
        var a = Remote(A);
        var b = Remote(B);
        Assert.Equal(a.SyncTarget("main"), b.SyncTarget("main"));

        // A lands first
        var wtA = Path.Combine(A, ".baton", "worktrees", "land");
        _git.AddWorktree(A, wtA, "feature-a", "main");
        var fromA = Commit(wtA, "a.txt");
        var before = _git.Resolve(A, "refs/heads/main")!;
        Assert.True(a.Land("main", before, fromA));
        Assert.Equal(fromA, Git(Bare, "rev-parse", "refs/heads/main"));
        Assert.Equal(fromA, _git.Resolve(A, "refs/heads/main"));

        // B's landing made on the main it saw before is refused: A's landing stays
        var wtB = Path.Combine(B, ".baton", "worktrees", "land");
        _git.AddWorktree(B, wtB, "feature-b", "main");
        var fromB = Commit(wtB, "b.txt");
        Assert.False(b.Land("main", _git.Resolve(B, "refs/heads/main")!, fromB));
        Assert.Equal(fromA, Git(Bare, "rev-parse", "refs/heads/main"));

        // B fetches, its main follows the remote's, and a branch the remote lacks fetches as nothing
        Assert.Equal((fromA, fromA), b.SyncTarget("main"));
        Assert.Equal(fromA, Git(B, "rev-parse", "main"));
        Assert.Null(b.Fetch("no-such-branch"));
        Assert.Throws<BatonException>(() => SharedRemote.Check(_git, _git, B, "upstream"));
        SharedRemote.Check(_git, _git, B, "origin");
    }
}
