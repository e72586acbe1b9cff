using Baton.Core.Handoff;
using Baton.Infrastructure.Git;
using Baton.Infrastructure.Processes;
using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Git;

/// <summary>The handoff packet's diff stat and uncommitted files against a real repository.</summary>
public sealed class GitDiffsTests : IDisposable
{
    private readonly TestRepo _repo = new(init: false);
    private readonly GitDiffs _diffs = new(new ProcessRunner());

    public void Dispose() => _repo.Dispose();

    [Fact]
    public void The_diff_stat_counts_committed_and_uncommitted_lines_and_status_lists_untracked_files_with_odd_names()
    {
        File.WriteAllText(Path.Combine(_repo.Dir, "a.txt"), "one\ntwo\n");
        _repo.Git("add", "-A");
        _repo.Git("commit", "-qm", "base");
        var start = _repo.Git("rev-parse", "HEAD").Trim();
        File.WriteAllText(Path.Combine(_repo.Dir, "a.txt"), "one\nTWO\nthree\n");
        _repo.Git("commit", "-qam", "change a");
        File.WriteAllText(Path.Combine(_repo.Dir, "a.txt"), "one\nTWO\nthree\nfour\n"); // uncommitted on top
        File.WriteAllBytes(Path.Combine(_repo.Dir, "bin.dat"), [0, 1, 2, 0]);
        _repo.Git("add", "bin.dat");
        File.WriteAllText(Path.Combine(_repo.Dir, "new file é.txt"), "x\n");

        var stat = _diffs.DiffStat(_repo.Dir, start);
        var uncommitted = _diffs.Uncommitted(_repo.Dir);

        Assert.Equal([new DiffStatLine("a.txt", 3, 1), new DiffStatLine("bin.dat", null, null)], stat);
        Assert.Equal(["a.txt", "bin.dat", "new file é.txt"], uncommitted.Order(StringComparer.Ordinal));
    }
}
