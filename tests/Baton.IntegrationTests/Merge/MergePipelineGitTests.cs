using Baton.Core.Merge;
using Baton.Core.Security;
using Baton.Infrastructure.Files;
using Baton.Infrastructure.Git;
using Baton.Infrastructure.Processes;
using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Merge;

/// <summary>
/// merge.prepare_ahead with real git and real gate commands (<c>sh -c</c>): the next branch is
/// merged onto the commit the landing one will produce and gated while that one's gate runs; it
/// lands by a fast-forward only when the target is there, and is discarded and merged again otherwise.
/// </summary>
public sealed class MergePipelineGitTests : IDisposable
{
    private readonly TestRepo _repo = new(init: false);
    private readonly GitClient _git = new(new ProcessRunner());
    private readonly string _side;
    private readonly string _marks;

    public MergePipelineGitTests()
    {
        // Scratch worktrees beside the repository, not in it (a nested worktree makes the checkout dirty).
        _side = _repo.Dir + "-side";
        _marks = Path.Combine(_side, "marks");
        Directory.CreateDirectory(_marks);
    }

    public void Dispose()
    {
        _repo.Dispose();
        if (Directory.Exists(_side))
        {
            Directory.Delete(_side, recursive: true);
        }
    }

    [Fact]
    public async Task Two_independent_branches_land_with_the_second_gated_while_the_first_one_is()
    {
        // Given branches a and b made from main, and main moved on since (so each merge result is gated).
        // The gate logs the commit it tests; a's gate passes only once b's gate has run, which
        // happens only if b is gated while a's gate still runs.
        var (a, b) = (Branch("a", "a.txt", "a\n"), Branch("b", "b.txt", "b\n"));
        CommitOnMain("base.txt", "base\n");
        var gate = $"git rev-parse HEAD >> {_marks}/gated.log; if [ -f b.txt ]; then touch {_marks}/b-gated; exit 0; fi; "
            + $"i=0; while [ ! -f {_marks}/b-gated ]; do i=$((i+1)); [ $i -gt 1200 ] && exit 1; sleep 0.05; done";
        var pipeline = Pipeline(out _);

        // When a lands, with b prepared ahead
        var first = pipeline.Land(Candidate(1, "a", a, gate));
        pipeline.PrepareAhead([Candidate(2, "b", b, gate)]);
        var landedA = await first.WaitAsync(TimeSpan.FromMinutes(2));
        await Task.WhenAll(pipeline.Running).WaitAsync(TimeSpan.FromMinutes(2));
        var landedB = await pipeline.Land(Candidate(2, "b", b, gate)).WaitAsync(TimeSpan.FromMinutes(2));

        // Then both landed; b by its prepared merge, made on a's result and gated on exactly what main now is
        Assert.Equal((MergeOutcome.Merged, null), (landedA.Result, landedA.Prepared));
        Assert.Equal((MergeOutcome.Merged, "used"), (landedB.Result, landedB.Prepared));
        var main = Sha("main");
        Assert.Equal(landedB.Commit, main);
        Assert.Equal(landedA.Commit, Sha("main^1"));
        var gated = File.ReadAllLines(Path.Combine(_marks, "gated.log"));
        Assert.Equal(new[] { landedA.Commit!, main }.Order(StringComparer.Ordinal), gated.Order(StringComparer.Ordinal));
        foreach (var file in new[] { "a.txt", "b.txt", "base.txt" })
        {
            Assert.NotEmpty(_repo.Git("show", "main:" + file));
        }

        Assert.False(Directory.Exists(Path.Combine(_side, "_merge-1")));
        Assert.False(Directory.Exists(Path.Combine(_side, "_merge-2")));
    }

    [Fact]
    public async Task A_prepared_merge_is_discarded_when_the_target_moves_in_a_conflicting_way_and_nothing_lands()
    {
        // Given branches a and b, a gate that waits for the test's go, and b being prepared on a's result
        var (a, b) = (Branch("a", "a.txt", "a\n"), Branch("b", "b.txt", "b\n"));
        CommitOnMain("base.txt", "base\n");
        var gate = $"git rev-parse HEAD >> {_marks}/gated.log; if [ -f b.txt ]; then touch {_marks}/b-gated; fi; "
            + $"i=0; while [ ! -f {_marks}/go ]; do i=$((i+1)); [ $i -gt 1200 ] && exit 1; sleep 0.05; done";
        var pipeline = Pipeline(out _);
        var first = pipeline.Land(Candidate(1, "a", a, gate));
        pipeline.PrepareAhead([Candidate(2, "b", b, gate)]);
        TestRepo.WaitUntil(() => File.Exists(Path.Combine(_marks, "b-gated")) && File.ReadAllLines(Path.Combine(_marks, "gated.log")).Length == 2, "a's gate, and b's on a's merge result", 60);
        var preparedOn = File.ReadAllLines(Path.Combine(_marks, "gated.log"));

        // When someone commits to main what conflicts with b, before a's gate ends
        var moved = CommitOnMain("b.txt", "someone else's b\n");
        File.WriteAllText(Path.Combine(_marks, "go"), "");
        var landedA = await first.WaitAsync(TimeSpan.FromMinutes(2));
        var landedB = await pipeline.Land(Candidate(2, "b", b, gate)).WaitAsync(TimeSpan.FromMinutes(2));
        await Task.WhenAll(pipeline.Running).WaitAsync(TimeSpan.FromMinutes(2));

        // Then a could not fast-forward (main moved), b's prepared merge is discarded, and b merged
        // again onto main as it is conflicts: nothing landed on top of the person's commit
        Assert.Equal(MergeOutcome.Retry, landedA.Result);
        Assert.Equal(MergeOutcome.Conflict, landedB.Result);
        Assert.StartsWith($"discarded: main is at {moved[..12]}, not at ", landedB.Prepared, StringComparison.Ordinal);
        Assert.Contains(preparedOn, c => landedB.Prepared!.Contains(c[..12], StringComparison.Ordinal)); // the commit a's gate ran on
        Assert.Contains("b.txt", landedB.Files!);
        Assert.Equal(moved, Sha("main"));
        Assert.False(Directory.Exists(Path.Combine(_side, "_merge-2")));
    }

    private MergePipeline Pipeline(out MergeJob job)
    {
        var gate = new GateRunner(new ProcessRunner(), new Redactor([]));
        job = new MergeJob(_git, _git, _git, _git, gate, new LocalFiles());
        return new MergePipeline(job, _git, _repo.Dir, 2, CancellationToken.None);
    }

    private MergeCandidate Candidate(long id, string branch, string tested, string gate)
    {
        var now = DateTimeOffset.UtcNow;
        var request = new MergeRequest { Id = id, Ticket = id, Branch = branch, Target = "main", Status = MergeRequestStatus.Queued, Detail = "tested " + tested, CreatedAt = now, UpdatedAt = now };
        return new MergeCandidate(request, tested, Path.Combine(_side, $"_merge-{id}"), $"Merge {branch}", [gate], TimeSpan.FromMinutes(2));
    }

    /// <summary>A branch made from main with one commit adding <paramref name="file"/>; returns its commit.</summary>
    private string Branch(string name, string file, string text)
    {
        _repo.Git("checkout", "-q", "-b", name, "main");
        var commit = CommitHere(file, text, name);
        _repo.Git("checkout", "-q", "main");
        return commit;
    }

    private string CommitOnMain(string file, string text) => CommitHere(file, text, "on main: " + file);

    private string CommitHere(string file, string text, string message)
    {
        File.WriteAllText(Path.Combine(_repo.Dir, file), text);
        _repo.Git("add", file);
        _repo.Git("commit", "-q", "-m", message);
        return Sha("HEAD");
    }

    private string Sha(string rev) => _repo.Git("rev-parse", rev).Trim();
}
