using Baton.Core;
using Baton.Core.Git;
using Baton.Infrastructure.Git;
using Baton.Infrastructure.Processes;
using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Git;

/// <summary>Push and remote URLs of the git adapter, against a bare repository as the remote.</summary>
public sealed class GitRemoteTests : IDisposable
{
    private readonly TestRepo _repo = new(init: false);
    private readonly GitClient _git = new(new ProcessRunner());
    private readonly string _bare;

    public GitRemoteTests()
    {
        _bare = _repo.Dir + "-remote.git";
        TestRepo.Run("git", ["init", "-q", "--bare", _bare], _repo.Dir, null, new Dictionary<string, string>(), TimeSpan.FromSeconds(30));
        _repo.Git("remote", "add", "origin", _bare);
    }

    public void Dispose()
    {
        _repo.Dispose();
        Directory.Delete(_bare, recursive: true);
    }

    [Fact]
    public void Push_puts_the_branch_on_the_remote_and_refuses_to_overwrite_a_branch_that_moved_there()
    {
        _repo.Git("branch", "topic");

        _git.Push(_repo.Dir, "origin", "topic");

        Assert.Equal(_repo.Git("rev-parse", "topic").Trim(), _repo.Git("--git-dir", _bare, "rev-parse", "refs/heads/topic").Trim());
        _repo.Git("commit", "-q", "--allow-empty", "-m", "someone else's work");
        _repo.Git("push", "-q", "origin", "HEAD:refs/heads/topic"); // the remote branch moved on
        var diverged = _repo.Git("commit-tree", "-p", "topic", "-m", "diverged", "topic^{tree}").Trim();
        _repo.Git("branch", "-f", "topic", diverged);
        var e = Assert.Throws<GitCommandFailedException>(() => _git.Push(_repo.Dir, "origin", "topic"));
        Assert.Contains("git push origin topic failed", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Remote_url_is_the_fetch_url_or_null_without_the_remote()
    {
        Assert.Equal(_bare, _git.RemoteUrl(_repo.Dir, "origin"));
        Assert.Null(_git.RemoteUrl(_repo.Dir, "upstream"));
    }
}
