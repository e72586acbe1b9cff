using System.Text.Json;
using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Weeks;

/// <summary>`baton conflicts log` and `resolve`: a conflict recorded by hand stays active (a scan never resolves it) until resolved with a note.</summary>
public sealed class ConflictLogTests
{
    [Fact]
    public void A_logged_conflict_is_listed_keeps_conflicts_at_exit_1_and_is_resolved_with_its_note()
    {
        using var repo = new TestRepo();
        repo.Baton("feature", "init", "f", "--implementors", "data").Ok();
        Assert.Equal(0, repo.Baton("conflicts").ExitCode);

        var logged = repo.Baton("conflicts", "log", "f", "--files", "src/a.cs, src/b.cs", "--severity", "critical", "--note", "both rename Goal", "--json").Ok().Json();

        var id = logged.GetProperty("id").GetString()!;
        Assert.StartsWith("C-", id, StringComparison.Ordinal);
        Assert.Equal("manual", logged.GetProperty("source").GetString());
        Assert.Equal("feature/f/overseer", logged.GetProperty("branch_a").GetString());
        Assert.Equal(["src/a.cs", "src/b.cs"], logged.GetProperty("files").EnumerateArray().Select(e => e.GetString()));

        // A scan of every live branch predicts nothing, and leaves the logged one active.
        var scan = repo.Baton("conflicts", "--json");
        Assert.Equal(1, scan.ExitCode);
        Assert.Empty(scan.Json().GetProperty("conflicts").EnumerateArray());
        Assert.Equal(id, Assert.Single(scan.Json().GetProperty("logged").EnumerateArray()).GetProperty("id").GetString());
        Assert.Contains($"{id} logged by hand (critical) in f", repo.Baton("conflicts").Stdout, StringComparison.Ordinal);
        Assert.Contains(Events(repo), e => e.GetProperty("type").GetString() == "conflict_detected" && e.GetProperty("feature").GetString() == "f");

        var resolved = repo.Baton("conflicts", "resolve", id, "--note", "data renames it first", "--json").Ok().Json();

        Assert.Equal("resolved", resolved.GetProperty("status").GetString());
        Assert.Equal("data renames it first", resolved.GetProperty("resolution").GetString());
        Assert.Equal(0, repo.Baton("conflicts").ExitCode);
        Assert.Contains(Events(repo), e => e.GetProperty("type").GetString() == "conflict_resolved" && e.GetProperty("message").GetString()!.Contains("data renames it first", StringComparison.Ordinal));
        var again = repo.Baton("conflicts", "resolve", id);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("already resolved", again.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("log nope --files a", "unknown feature 'nope'")]
    [InlineData("log f --files ,", "--files names no file")]
    [InlineData("log f --files a --severity huge", "--severity 'huge' is not one of warning, critical")]
    [InlineData("resolve X-1", "'X-1' is not a conflict id")]
    [InlineData("resolve C-99", "there is no conflict C-99")]
    public void Bad_input_is_named_with_what_to_do(string args, string message)
    {
        using var repo = new TestRepo();
        repo.Baton("feature", "init", "f").Ok();

        var r = repo.Baton(["conflicts", .. args.Split(' ')]);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains(message, r.Stderr, StringComparison.Ordinal);
    }

    private static List<JsonElement> Events(TestRepo repo) => repo.Baton("events", "recent", "100", "--json").Ok().Json().EnumerateArray().ToList();
}
