using Baton.Core;
using Baton.Core.Git;
using Baton.Infrastructure.Git;
using Baton.Infrastructure.Processes;
using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Git;

/// <summary>What git refuses comes back typed, with its arguments, exit code and stderr; Baton's own refusals stay plain.</summary>
public sealed class GitFailureTests : IDisposable
{
    private readonly TestRepo _repo = new(init: false);
    private readonly GitClient _git = new(new ProcessRunner());

    public void Dispose()
    {
        _repo.Dispose();
        if (Directory.Exists(_repo.Dir + "-wt"))
        {
            Directory.Delete(_repo.Dir + "-wt", recursive: true);
        }
    }

    [Fact]
    public void A_refused_git_command_keeps_its_arguments_exit_code_and_stderr()
    {
        var where = Path.Combine(_repo.Dir + "-wt", "x");

        var e = Assert.Throws<GitCommandFailedException>(() => _git.AddDetachedWorktree(_repo.Dir, where, "no-such-commit"));

        Assert.Equal(["-C", _repo.Dir], e.Arguments.Take(2));
        Assert.Contains("worktree", e.Arguments);
        Assert.Contains("no-such-commit", e.Arguments);
        Assert.Equal(128, e.GitExitCode);
        Assert.Contains("no-such-commit", e.StandardError, StringComparison.Ordinal);
        Assert.Equal(BatonException.FailureExitCode, e.ExitCode);
        // The message users see is the one they always saw.
        Assert.StartsWith("git worktree add", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unexpected_answer_from_a_query_is_typed_too()
    {
        var e = Assert.Throws<GitCommandFailedException>(() => _git.IsAncestor(_repo.Dir, "HEAD", "no-such-rev"));

        Assert.Contains("--is-ancestor", e.Arguments);
        Assert.NotEqual(0, e.GitExitCode);
        Assert.NotEqual(1, e.GitExitCode); // 1 is git's "no", which is an answer, not a failure
    }

    [Fact]
    public void A_refusal_of_Baton_own_is_not_a_git_failure()
    {
        var e = Assert.Throws<BatonException>(() => _git.CreateBranch(_repo.Dir, "main", "HEAD"));

        Assert.IsNotType<GitCommandFailedException>(e);
        Assert.Contains("already exists", e.Message, StringComparison.Ordinal);
    }
}
