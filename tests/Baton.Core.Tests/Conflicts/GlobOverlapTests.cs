using Baton.Core.Conflicts;
using Xunit;

namespace Baton.Core.Tests.Conflicts;

public sealed class GlobOverlapTests
{
    [Theory]
    [InlineData("src/**", "src/api/x.cs")]
    [InlineData("src/**/*.cs", "src/api/x.cs")]
    [InlineData("src/**/*.cs", "src/x.cs")]
    [InlineData("src/api", "src/api/handlers/goal.cs")]
    [InlineData("src/api/", "src/**/goal.cs")]
    [InlineData("**/*.md", "docs/**")]
    [InlineData("src/*/model.cs", "src/goals/*.cs")]
    [InlineData("src/a?c.cs", "src/abc.cs")]
    [InlineData("README.md", "README.md")]
    [InlineData("**", "anything/at/all")]
    public void Patterns_that_share_a_file_overlap(string a, string b)
    {
        Assert.True(GlobOverlap.Overlaps(a, b));
        Assert.True(GlobOverlap.Overlaps(b, a));
    }

    [Theory]
    [InlineData("src/*.cs", "src/api/x.cs")]
    [InlineData("src/api/**", "src/ui/**")]
    [InlineData("ui/**", "src/ui/**")]
    [InlineData("docs/*.md", "docs/*.txt")]
    [InlineData("src/api.cs", "src/api")]
    [InlineData("src/a?c.cs", "src/a/c.cs")]
    [InlineData("src/model/**", "tests/model/**")]
    public void Patterns_with_no_file_in_common_do_not(string a, string b)
    {
        Assert.False(GlobOverlap.Overlaps(a, b));
        Assert.False(GlobOverlap.Overlaps(b, a));
    }

    [Theory]
    [InlineData("src/**/*.cs")]
    [InlineData("src/*")]
    [InlineData("docs")]
    [InlineData("docs/")]
    [InlineData("a?c/**")]
    [InlineData("**/x.txt")]
    public void Against_a_plain_file_it_agrees_with_the_radars_matcher(string pattern)
    {
        string[] files = ["src/a.cs", "src/api/b.cs", "docs", "docs/a.md", "abc/d", "x.txt", "deep/down/x.txt", "srcx/a.cs"];
        foreach (var file in files)
        {
            // A plain name as a pattern also covers a folder of that name, as Glob reads it: probe under it too.
            var matched = Glob.Matches(pattern, file) || Glob.Matches(pattern, file + "/x.txt") || Glob.Matches(pattern, file + "/q/a.cs");
            Assert.True(matched == GlobOverlap.Overlaps(pattern, file), $"{pattern} vs {file}: matcher says {matched}");
        }
    }
}
