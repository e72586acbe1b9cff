using Baton.IntegrationTests.Support;
using Xunit;
using static Baton.IntegrationTests.Dispatch.AutopilotKit;

namespace Baton.IntegrationTests.Conflicts;

/// <summary>The loop's conflict radar: two agents at work on the same line hear of it while they work.</summary>
public sealed class ConflictWatchTests
{
    [Fact]
    public void Agents_changing_the_same_lines_are_warned_while_they_work()
    {
        // Given two tickets whose agents write the same file differently, commit, then keep working.
        using var repo = new TestRepo();
        Configure(repo, autopilot: "max_workers: 2");
        File.AppendAllText(Path.Combine(repo.Dir, ".baton", "config.yaml"), "conflicts:\n  debounce: 0s\n");
        var a = Ticket(repo, "Greeting A", "@write greeting.txt hello from A\n@commit A greeting\n@sleep 60");
        var b = Ticket(repo, "Greeting B", "@write greeting.txt hello from B\n@commit B greeting\n@sleep 60");

        // When the loop runs
        using var loop = repo.StartBaton("up", "--plain");
        try
        {
            TestRepo.WaitUntil(() => Events(repo, "conflict_detected").Count > 0, "a predicted conflict", 60);

            // Then the conflict is recorded between the two ticket branches, as a warning...
            var detected = Assert.Single(Events(repo, "conflict_detected"));
            var meta = detected.GetProperty("metadata");
            Assert.Equal("warning", meta.GetProperty("severity").GetString());
            Assert.Equal("greeting.txt", meta.GetProperty("files").GetString());
            Assert.Contains(a, detected.GetProperty("message").GetString()!, StringComparison.Ordinal);
            Assert.Contains(b, detected.GetProperty("message").GetString()!, StringComparison.Ordinal);

            // ...and both agents are told, in their sessions, which file collides with whom.
            foreach (var worker in new[] { "t1-1", "t2-1" })
            {
                TestRepo.WaitUntil(() => repo.Baton("capture", worker, "--lines", "200").Stdout.Contains("conflict warning", StringComparison.Ordinal), $"{worker} told of the conflict", 30);
            }

            var capture = repo.Baton("capture", "t1-1", "--lines", "200").Stdout;
            Assert.Contains("greeting.txt", capture, StringComparison.Ordinal);
            Assert.Contains(b, capture, StringComparison.Ordinal);
            Assert.Equal(1, repo.Baton("conflicts", "--no-notify").ExitCode);
        }
        finally
        {
            repo.Baton("down");
        }
    }
}
