using Baton.Core.Roles;
using Xunit;

namespace Baton.Core.Tests.Roles;

public sealed class GitGuardTests
{
    private static readonly GuardPolicy Docs = new("w", "docs-writer", ["docs/**", "README.md", "src/*.txt"], ["main", "master"]);

    [Theory]
    [InlineData("docs/a.md", true)]
    [InlineData("docs/deep/er/b.md", true)]
    [InlineData("README.md", true)]
    [InlineData("src/notes.txt", true)]
    [InlineData("src/sub/notes.txt", false)]
    [InlineData("src/x.cs", false)]
    [InlineData("docsX/a.md", false)]
    public void Write_globs(string path, bool allowed) => Assert.Equal(allowed, GitGuard.CheckCommit(Docs, [path]) is null);

    [Fact]
    public void Everything_is_allowed_without_write_globs_or_with_double_star()
    {
        Assert.Null(GitGuard.CheckCommit(Docs with { Write = [] }, ["anything/at/all"]));
        Assert.Null(GitGuard.CheckCommit(Docs with { Write = ["**"] }, ["anything/at/all"]));
    }

    [Fact]
    public void Protected_branches_are_refused_by_full_ref_name_only()
    {
        Assert.Contains("may not move protected branch main", GitGuard.CheckRefs(Docs, ["refs/heads/feature/x", "refs/heads/main"], "move"));
        Assert.Null(GitGuard.CheckRefs(Docs, ["refs/heads/mainline", "refs/heads/feature/main", "HEAD", "refs/tags/main"], "move"));
    }

    [Fact]
    public void A_policy_survives_its_json() =>
        Assert.Equal(Docs.ProtectedBranches, GitGuard.Deserialize(GitGuard.Serialize(Docs)).ProtectedBranches);

    [Fact]
    public void Protected_branches_may_be_globs_such_as_every_features_overseer()
    {
        var implementor = new GuardPolicy("w", "implementor", ["**"], ["main", "feature/*/overseer"]);

        Assert.Contains("protected branch feature/003-goals/overseer", GitGuard.CheckRefs(implementor, ["refs/heads/feature/003-goals/overseer"], "move"));
        Assert.Null(GitGuard.CheckRefs(implementor, ["refs/heads/feature/003-goals/impl-data", "refs/heads/feature/overseer"], "move"));
    }
}
