using System.Globalization;
using Baton.IntegrationTests.Support;
using Xunit;
using static Baton.IntegrationTests.Dispatch.AutopilotKit;

namespace Baton.IntegrationTests.GitHub;

/// <summary>`github.poll`: `baton up` following GitHub continuously, off the loop thread, against the fake GitHub.</summary>
public sealed class GitHubPollTests
{
    private static readonly string TokenValue = "tok" + Guid.NewGuid().ToString("N");

    [Fact]
    public void An_issue_labelled_mid_run_is_imported_worked_merged_and_its_issue_commented_and_closed()
    {
        using var fake = new FakeGitHub(TokenValue);
        using var repo = Repo(fake, "  poll: true\n  import_labels: [claude-ready]\n  close_issues: true\n");
        fake.AddIssue("Not ready yet", "", "bug");

        using var loop = repo.StartBaton("up", "--plain");
        try
        {
            TestRepo.WaitUntil(() => fake.RequestsTo("GET", "/issues").Count >= 2, "two polls without a ready issue", 60);
            Assert.Empty(repo.Baton("ticket", "list", "--json").Ok().Json().EnumerateArray());
            var issue = fake.AddIssue("Add login", Work("T-1", "login.txt", "hello"), "claude-ready", "p1");

            TestRepo.WaitUntil(() => repo.Baton("ticket", "list", "--json").Ok().Json().GetArrayLength() == 1, "the labelled issue to be imported", 60);
            var ticket = Show(repo, "T-1");
            Assert.Equal(($"github#{issue.Number}", "high"), (ticket.GetProperty("source").GetString(), ticket.GetProperty("priority").GetString()));
            TestRepo.WaitUntil(() => Status(repo, "T-1") == "done", "the imported ticket to be worked and merged", 90);
            TestRepo.WaitUntil(() => fake.Locked(() => issue.State) == "closed", "the issue to be closed after the local merge", 30);

            Assert.Contains("login.txt", repo.Git("ls-tree", "--name-only", "main"), StringComparison.Ordinal);
            var comment = Assert.Single(fake.Locked(() => issue.Comments.ToList()));
            Assert.Contains("merged into `main` by Baton's merge queue", comment, StringComparison.Ordinal);
            Assert.Single(fake.RequestsTo("PATCH", $"/issues/{issue.Number}"));
            Assert.Equal(1, repo.Baton("ticket", "list", "--json").Ok().Json().GetArrayLength()); // later polls import nothing twice
        }
        finally
        {
            repo.Baton("down");
        }
    }

    [Fact]
    public void A_hanging_github_holds_no_tick_and_a_rate_limit_is_reported_once_and_waited_out()
    {
        using var fake = new FakeGitHub(TokenValue);
        using var repo = Repo(fake, "  poll: true\n  import_labels: [claude-ready]\n");
        fake.Hold("/issues");

        using var loop = repo.StartBaton("up", "--plain");
        try
        {
            TestRepo.WaitUntil(() => fake.HeldSeen == 1, "the first poll to hang", 60);
            // GitHub answers nothing, yet the loop works: a local ticket is started, merged and done.
            Ticket(repo, "Local work", Work("T-1", "local.txt", "x"));
            TestRepo.WaitUntil(() => Status(repo, "T-1") == "done", "a local ticket to be done while GitHub hangs", 90);
            Assert.Equal(1, fake.HeldSeen);

            // The hanging poll answers with a used-up rate limit, reset an hour away: one report, and no call until then.
            var reset = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            fake.FailNext("/issues", 403, "{\"message\":\"API rate limit exceeded\"}", ("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", reset));
            fake.Release();
            TestRepo.WaitUntil(() => Events(repo, "github_rate_limited").Count == 1, "the rate limit to be reported", 30);
            Ticket(repo, "More local work", Work("T-2", "more.txt", "y"));
            TestRepo.WaitUntil(() => Status(repo, "T-2") == "done", "a second local ticket to be done while GitHub is rate limited", 90);

            Assert.Single(Events(repo, "github_rate_limited"));
            Assert.Contains(DateTimeOffset.FromUnixTimeSeconds(long.Parse(reset, CultureInfo.InvariantCulture)).ToString("u", CultureInfo.InvariantCulture), Events(repo, "github_rate_limited")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
            Assert.Single(fake.RequestsTo("GET", "/issues")); // held until the reset: not asked again each tick (poll_interval is 1s)
            Assert.Empty(Events(repo, "autopilot_error"));
        }
        finally
        {
            fake.Release();
            repo.Baton("down");
        }
    }

    [Fact]
    public void Changes_requested_on_a_pull_request_go_back_to_an_agent_with_the_review_and_the_fix_is_pushed_to_it()
    {
        using var fake = new FakeGitHub(TokenValue);
        using var repo = Repo(fake, "", "merge:\n  mode: pull_request\n");
        var bare = Path.Combine(repo.Dir, ".baton", "remote.git");
        TestRepo.Run("git", ["init", "-q", "--bare", bare], repo.Dir, null, new Dictionary<string, string>(), TimeSpan.FromSeconds(30));
        repo.Git("remote", "add", "origin", bare);
        fake.AddIssue("Add login", """
            @once @write login.txt first try
            @again @write login.txt fixed
            @again @dump review.txt
            @commit T-1: login
            @run baton ticket done T-1 --summary "login written"
            """, "claude-ready");
        repo.Baton("github", "import", "--label", "claude-ready").Ok();

        using var loop = repo.StartBaton("up", "--plain");
        try
        {
            TestRepo.WaitUntil(() => fake.Locked(() => fake.Pulls.Count) == 1, "the pull request to be opened", 90);
            var pull = fake.Locked(() => fake.Pulls.Values.Single());
            var head = repo.Git("rev-parse", pull.Head).Trim();
            fake.Locked(() =>
            {
                pull.Review("ana", "CHANGES_REQUESTED", "Please say fixed, not first try.", head, ("login.txt", 1, "this line"));
                return 0;
            });

            TestRepo.WaitUntil(() => Events(repo, "pr_changes_requested", "T-1").Count == 1, "the review to be seen", 30);
            TestRepo.WaitUntil(() => repo.Git("--git-dir", bare, "rev-parse", "refs/heads/" + pull.Head).Trim() != head, "the fix to be pushed to the pull request", 90);

            var pushed = "refs/heads/" + pull.Head;
            Assert.Equal("fixed", repo.Git("--git-dir", bare, "show", pushed + ":login.txt").Trim());
            var review = repo.Git("--git-dir", bare, "show", pushed + ":review.txt");
            Assert.Contains("Please say fixed, not first try.", review, StringComparison.Ordinal);
            Assert.Contains("login.txt:1: this line", review, StringComparison.Ordinal);
            Assert.Equal("review", Status(repo, "T-1"));
            Assert.Single(fake.RequestsTo("POST", "/pulls")); // the same pull request, not a second one
            Assert.Single(Events(repo, "pr_changes_requested", "T-1")); // the old review is not sent again
        }
        finally
        {
            repo.Baton("down");
        }
    }

    private static TestRepo Repo(FakeGitHub fake, string github, string sections = "")
    {
        var repo = new TestRepo();
        repo.SetEnv("GITHUB_TOKEN", fake.Token);
        repo.SetEnv("GH_TOKEN", "");
        Configure(repo);
        File.AppendAllText(Path.Combine(repo.Dir, ".baton", "config.yaml"), sections + GitHubTests.GitHubSection(fake) + github);
        return repo;
    }
}
