using System.Text.Json;
using Baton.IntegrationTests.Support;
using Xunit;
using static Baton.IntegrationTests.Dispatch.AutopilotKit;

namespace Baton.IntegrationTests.GitHub;

/// <summary>Pull requests: `baton pr open`, the autopilot in pull_request mode, and state flowing back to issues.</summary>
public sealed class PullRequestTests
{
    private static readonly string TokenValue = "tok" + Guid.NewGuid().ToString("N");

    [Fact]
    public void Pr_open_pushes_the_branch_and_opens_one_pull_request_that_closes_its_issue()
    {
        using var fake = new FakeGitHub(TokenValue);
        using var repo = Repo(fake, "merge:\n  auto: false\n", out var bare);
        var issue = fake.AddIssue("Add login", Work("T-1", "login.txt", "hello"), "claude-ready");
        repo.Baton("github", "import", "--label", "claude-ready").Ok();
        var up = Up(repo);
        Assert.True(up.ExitCode == 0, Describe(repo, up));
        Assert.Equal("review", Status(repo, "T-1"));

        var opened = repo.Baton("pr", "open", "T-1", "--json").Ok().Json();
        var again = repo.Baton("pr", "open", "T-1", "--json").Ok().Json();

        var branch = Show(repo, "T-1").GetProperty("branch").GetString()!;
        Assert.True(opened.GetProperty("opened").GetBoolean());
        Assert.False(again.GetProperty("opened").GetBoolean());
        Assert.Equal(repo.Git("rev-parse", branch).Trim(), repo.Git("--git-dir", bare, "rev-parse", "refs/heads/" + branch).Trim());
        var pull = Assert.Single(fake.Locked(() => fake.Pulls.Values.ToList()));
        Assert.Single(fake.RequestsTo("POST", "/pulls"));
        Assert.Equal((branch, "main", "T-1: Add login"), (pull.Head, pull.Base, pull.Title));
        Assert.StartsWith($"Closes #{issue.Number}", pull.Body, StringComparison.Ordinal);
        Assert.Contains("login.txt written", pull.Body, StringComparison.Ordinal); // the agent's summary
        var row = Assert.Single(repo.Baton("pr", "list", "--json").Ok().Json().EnumerateArray());
        Assert.Equal(pull.Number, row.GetProperty("number").GetInt32());
        Assert.Equal($"https://github.example/acme/widgets/pull/{pull.Number}", row.GetProperty("url").GetString());
        Assert.Equal("open", row.GetProperty("status").GetString());
        Assert.Single(Events(repo, "pr_opened", "T-1"));
        Assert.Contains("claude-in-progress", fake.Locked(() => issue.Labels.ToList()));
    }

    [Fact]
    public void A_pull_request_closed_without_merge_fails_its_ticket_with_a_notification_and_blocks_the_issue()
    {
        using var fake = new FakeGitHub(TokenValue);
        using var repo = Repo(fake, "merge:\n  auto: false\n", out _);
        var issue = fake.AddIssue("Add login", Work("T-1", "login.txt", "hello"), "claude-ready");
        repo.Baton("github", "import", "--label", "claude-ready").Ok();
        Up(repo).Ok();
        repo.Baton("pr", "open", "T-1").Ok();
        fake.Locked(() => fake.Pulls.Values.Single().State = "closed");

        var sync = repo.Baton("pr", "sync", "--json").Ok().Json();

        Assert.Equal("failed", Status(repo, "T-1"));
        Assert.Contains(Events(repo, "notification", "T-1"), e => e.GetProperty("metadata").GetProperty("kind").GetString() == "pr_closed");
        Assert.Equal("closed", Assert.Single(repo.Baton("pr", "list", "--all", "--json").Ok().Json().EnumerateArray()).GetProperty("status").GetString());
        Assert.Contains(sync.GetProperty("changes").EnumerateArray(), c => c.GetString()!.Contains("labelled claude-blocked", StringComparison.Ordinal));
        Assert.Equal(new[] { "claude-ready", "claude-blocked" }, fake.Locked(() => issue.Labels.ToList()));
    }

    [Fact]
    public void In_pull_request_mode_the_autopilot_opens_a_pull_request_follows_it_and_a_merge_makes_the_ticket_done()
    {
        using var fake = new FakeGitHub(TokenValue);
        using var repo = Repo(fake, "merge:\n  mode: pull_request\n", out var bare);
        var issue = fake.AddIssue("Add login", Work("T-1", "login.txt", "hello"), "claude-ready");
        repo.Baton("github", "import", "--label", "claude-ready").Ok();

        using var up = repo.StartBaton("up", "--until-done", "--plain");
        TestRepo.WaitUntil(() => fake.Locked(() => fake.Pulls.Count) == 1, "the autopilot opened a pull request", 90);
        var pull = fake.Locked(() => fake.Pulls.Values.Single());
        Assert.Contains("claude-in-progress", fake.Locked(() => issue.Labels.ToList()));
        fake.Locked(() => { pull.Reviews.Add(("reviewer", "APPROVED")); return 0; });
        TestRepo.WaitUntil(() => Events(repo, "pr_approved", "T-1").Count == 1, "the approval was seen", 30);
        fake.Locked(() => { pull.State = "closed"; pull.Merged = true; return 0; });
        Assert.True(up.WaitForExit(60_000), "baton up --until-done ends once the pull request is merged");

        Assert.Equal(0, up.ExitCode);
        Assert.Equal("done", Status(repo, "T-1"));
        Assert.Single(Events(repo, "pr_merged", "T-1"));
        Assert.Empty(Events(repo, "merge_queued", "T-1"));
        Assert.DoesNotContain("login.txt", repo.Git("ls-tree", "--name-only", "main"), StringComparison.Ordinal); // merged on GitHub, not locally
        Assert.Equal(pull.Head, Show(repo, "T-1").GetProperty("branch").GetString());
        Assert.Equal(repo.Git("rev-parse", pull.Head).Trim(), repo.Git("--git-dir", bare, "rev-parse", "refs/heads/" + pull.Head).Trim());
        Assert.Equal("merged", Assert.Single(repo.Baton("pr", "list", "--all", "--json").Ok().Json().EnumerateArray()).GetProperty("status").GetString());
        Assert.Equal(new[] { "claude-ready" }, fake.Locked(() => issue.Labels.ToList()));
        var comment = Assert.Single(fake.Locked(() => issue.Comments.ToList()));
        Assert.Contains($"pull request #{pull.Number}", comment, StringComparison.Ordinal);

        // Nothing left to write back: a second sync posts no second comment.
        Assert.Contains("Nothing to change.", repo.Baton("github", "sync").Ok().Stdout, StringComparison.Ordinal);
        Assert.Single(fake.Locked(() => issue.Comments.ToList()));
    }

    [Fact]
    public void A_closing_comment_is_not_posted_twice_when_the_store_did_not_record_it()
    {
        using var fake = new FakeGitHub(TokenValue);
        using var repo = Repo(fake, "", out _);
        var issue = fake.AddIssue("Docs", "", "claude-ready");
        repo.Baton("github", "import", "--label", "claude-ready").Ok();
        repo.Baton("ticket", "update", "T-1", "--status", "in-progress").Ok();
        repo.Baton("github", "sync").Ok();
        repo.Baton("ticket", "update", "T-1", "--status", "done").Ok();
        repo.Baton("github", "sync").Ok();
        Assert.Single(fake.Locked(() => issue.Comments.ToList()));

        // As if Baton died after posting but before recording: the marker in the comment stops a second one.
        Sqlite(repo, "UPDATE github_issues SET synced = 'in-progress'");
        repo.Baton("github", "sync").Ok();

        Assert.Single(fake.Locked(() => issue.Comments.ToList()));
        Assert.DoesNotContain("claude-in-progress", fake.Locked(() => issue.Labels.ToList()));
    }

    private static TestRepo Repo(FakeGitHub fake, string sections, out string bare)
    {
        var repo = new TestRepo();
        repo.SetEnv("GITHUB_TOKEN", fake.Token);
        repo.SetEnv("GH_TOKEN", "");
        Configure(repo);
        File.AppendAllText(Path.Combine(repo.Dir, ".baton", "config.yaml"), sections + GitHubTests.GitHubSection(fake));
        bare = Path.Combine(repo.Dir, ".baton", "remote.git");
        TestRepo.Run("git", ["init", "-q", "--bare", bare], repo.Dir, null, new Dictionary<string, string>(), TimeSpan.FromSeconds(30));
        repo.Git("remote", "add", "origin", bare);
        return repo;
    }

    private static void Sqlite(TestRepo repo, string sql)
    {
        using var db = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + Path.Combine(repo.Dir, ".baton", "baton.db"));
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}
