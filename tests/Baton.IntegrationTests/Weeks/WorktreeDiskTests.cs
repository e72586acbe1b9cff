using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Weeks;

/// <summary>`baton status` shows the disk the repository's worktrees use.</summary>
public sealed class WorktreeDiskTests
{
    [Fact]
    public void Status_sums_each_worktree_with_its_ticket()
    {
        using var repo = new TestRepo();
        var id = repo.Baton("ticket", "create", "Big", "--json").Ok().Json().GetProperty("id").GetString()!;
        var dir = Path.Combine(repo.Dir, ".baton", "worktrees", "big");
        repo.Git("worktree", "add", "-q", "-b", "big", dir);
        File.WriteAllBytes(Path.Combine(dir, "blob.bin"), new byte[300_000]);
        repo.Baton("ticket", "update", id, "--branch", "big").Ok();

        var disk = repo.Baton("status", "--json").Ok().Json().GetProperty("disk");

        var row = Assert.Single(disk.GetProperty("worktrees").EnumerateArray());
        Assert.Equal(Path.GetFullPath(dir), row.GetProperty("path").GetString());
        Assert.Equal("big", row.GetProperty("branch").GetString());
        Assert.InRange(row.GetProperty("bytes").GetInt64(), 300_000, 10_000_000);
        Assert.Equal(row.GetProperty("bytes").GetInt64(), disk.GetProperty("total_bytes").GetInt64());
        Assert.Contains("worktrees: 1, ", repo.Baton("status").Ok().Stdout, StringComparison.Ordinal);
    }
}
