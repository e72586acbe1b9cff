using Baton.IntegrationTests.Support;
using Xunit;
using static Baton.IntegrationTests.GitHub.GitHubTests;

namespace Baton.IntegrationTests.GitHub;

/// <summary>`baton github import`: one issue by number, priority labels, and dependencies read from issue bodies.</summary>
public sealed class GitHubImportTests
{
    private static readonly string TokenValue = "tok" + Guid.NewGuid().ToString("N");

    [Fact]
    public void Import_issue_takes_one_issue_whatever_its_labels_and_refuses_closed_ones_and_pull_requests()
    {
        using var fake = new FakeGitHub(TokenValue);
        using var repo = Repo(fake);
        fake.AddIssue("Other", "", "claude-ready");
        var wanted = fake.AddIssue("Fix the crash", "It crashes.", "bug", "P1");
        var closed = fake.AddClosedIssue("Old");
        var pull = fake.AddPullRequestIssue("A pull request");

        var json = repo.Baton("github", "import", "--issue", wanted.Number.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json").Ok().Json();

        Assert.Equal(1, json.GetProperty("created").GetInt32());
        var ticket = Single(repo.Baton("ticket", "list", "--json").Ok().Json().EnumerateArray());
        Assert.Equal(("Fix the crash", "high", $"github#{wanted.Number}"), (ticket.GetProperty("title").GetString(), ticket.GetProperty("priority").GetString(), ticket.GetProperty("source").GetString()));
        Assert.Single(fake.RequestsTo("GET", $"/issues/{wanted.Number}"));
        Assert.DoesNotContain(fake.RequestsTo("GET", "/issues"), r => r.Path.EndsWith("/issues", StringComparison.Ordinal));
        Assert.Contains("already imported as T-1", repo.Baton("github", "import", "--issue", $"{wanted.Number}").Ok().Stdout, StringComparison.Ordinal);

        var gone = repo.Baton("github", "import", "--issue", $"{closed.Number}");
        Assert.Equal(1, gone.ExitCode);
        Assert.Contains("is closed", gone.Stderr, StringComparison.Ordinal);
        var pr = repo.Baton("github", "import", "--issue", $"{pull.Number}");
        Assert.Equal(1, pr.ExitCode);
        Assert.Contains($"no issue #{pull.Number}", pr.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, repo.Baton("github", "import", "--issue", "1", "--label", "x").ExitCode);
        Assert.Single(repo.Baton("ticket", "list", "--json").Ok().Json().EnumerateArray());
    }

    [Fact]
    public void Priority_labels_set_the_ticket_priority_the_most_urgent_winning()
    {
        using var fake = new FakeGitHub(TokenValue);
        using var repo = Repo(fake);
        fake.AddIssue("Plain", "", "claude-ready");
        fake.AddIssue("Urgent", "", "claude-ready", "priority: high", "p0");
        fake.AddIssue("Later", "", "claude-ready", "priority/low");

        repo.Baton("github", "import", "--label", "claude-ready").Ok();

        var priorities = repo.Baton("ticket", "list", "--json").Ok().Json().EnumerateArray()
            .ToDictionary(t => t.GetProperty("title").GetString()!, t => t.GetProperty("priority").GetString());
        Assert.Equal("medium", priorities["Plain"]);
        Assert.Equal("critical", priorities["Urgent"]);
        Assert.Equal("low", priorities["Later"]);
    }

    [Fact]
    public void Depends_on_and_blocked_by_become_dependencies_whichever_issue_is_imported_first()
    {
        using var fake = new FakeGitHub(TokenValue);
        using var repo = Repo(fake);
        var schema = fake.AddIssue("Schema", "", "claude-ready");
        var api = fake.AddIssue("API", $"Depends on #{schema.Number}. Blocked by #{schema.Number + 2}.", "claude-ready");
        var ui = fake.AddIssue("UI", $"Blocked by #{api.Number}", "later");

        // Schema and API first: API waits for Schema at once, and for UI's issue once UI is imported.
        var first = repo.Baton("github", "import", "--label", "claude-ready").Ok().Stdout;
        Assert.Contains("(depends on T-1)", first, StringComparison.Ordinal);
        Assert.Equal(new[] { "T-1" }, DependsOn(repo, "T-2"));

        var second = repo.Baton("github", "import", "--issue", $"{ui.Number}", "--json").Ok().Json();

        Assert.Equal(new[] { "T-2" }, DependsOn(repo, "T-3"));
        // UI is issue #3, which API said it is blocked by: that edge would close a cycle, refused and said.
        Assert.Equal(new[] { "T-1" }, DependsOn(repo, "T-2"));
        Assert.Contains(second.GetProperty("notes").EnumerateArray(), n => n.GetString()!.StartsWith("T-2 does not depend on T-3", StringComparison.Ordinal));
        Assert.False(repo.Baton("ticket", "show", "T-2", "--json").Ok().Json().GetProperty("ready").GetBoolean());
    }

    private static string[] DependsOn(TestRepo repo, string id) =>
        repo.Baton("ticket", "show", id, "--json").Ok().Json().GetProperty("depends_on").EnumerateArray().Select(d => d.GetString()!).ToArray();
}
