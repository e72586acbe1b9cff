using System.Text.Json;
using Baton.IntegrationTests.Dispatch;
using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.GitHub;

/// <summary>`baton github ...` and `baton pr ...` against a fake GitHub over real HTTP on 127.0.0.1.</summary>
public sealed class GitHubTests
{
    private static readonly string TokenValue = "tok" + Guid.NewGuid().ToString("N");

    [Fact]
    public void Import_creates_tickets_from_labelled_issues_leaving_out_pull_requests_and_excluded_labels()
    {
        using var fake = new FakeGitHub(TokenValue);
        using var repo = Repo(fake);
        var ready = fake.AddIssue("Add login", "Users need to log in.", "claude-ready", "good first issue");
        var blocked = fake.AddIssue("Blocked work", "", "claude-ready", "blocked");
        fake.AddPullRequestIssue("A pull request", "claude-ready");
        fake.AddIssue("Not ready", "", "bug");

        var json = repo.Baton("github", "import", "--label", "claude-ready", "--exclude-label", "blocked,in-progress", "--json").Ok().Json();

        Assert.Equal(1, json.GetProperty("created").GetInt32());
        Assert.Equal(1, json.GetProperty("skipped").GetInt32());
        Assert.Contains("labels=claude-ready", Assert.Single(fake.RequestsTo("GET", "/issues")).Query, StringComparison.Ordinal);
        var tickets = repo.Baton("ticket", "list", "--json").Ok().Json().EnumerateArray().ToList();
        var ticket = Assert.Single(tickets);
        Assert.Equal("Add login", ticket.GetProperty("title").GetString());
        Assert.Equal($"github#{ready.Number}", ticket.GetProperty("source").GetString());
        Assert.Contains("Users need to log in.", ticket.GetProperty("body").GetString(), StringComparison.Ordinal);
        Assert.Equal(new[] { "claude-ready", "good-first-issue" }, ticket.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        Assert.Contains(json.GetProperty("issues").EnumerateArray(), i => i.GetProperty("issue").GetInt32() == blocked.Number && i.GetProperty("why").GetString()!.Contains("blocked", StringComparison.Ordinal));
    }

    [Fact]
    public void Import_skips_issues_already_imported()
    {
        using var fake = new FakeGitHub(TokenValue);
        using var repo = Repo(fake);
        fake.AddIssue("One", "", "claude-ready");
        repo.Baton("github", "import", "--label", "claude-ready").Ok();
        fake.AddIssue("Two", "", "claude-ready");

        var again = repo.Baton("github", "import", "--label", "claude-ready", "--json").Ok().Json();

        Assert.Equal(1, again.GetProperty("created").GetInt32());
        Assert.Equal(1, again.GetProperty("skipped").GetInt32());
        Assert.Equal(2, repo.Baton("ticket", "list", "--json").Ok().Json().GetArrayLength());
        Assert.Contains("0 created, 2 skipped", repo.Baton("github", "import", "--label", "claude-ready").Ok().Stdout, StringComparison.Ordinal);
        Assert.Equal(2, repo.Baton("ticket", "list", "--json").Ok().Json().GetArrayLength());
    }

    [Fact]
    public void Transient_failures_and_rate_limits_are_retried_honouring_retry_after()
    {
        using var fake = new FakeGitHub(TokenValue);
        using var repo = Repo(fake);
        fake.AddIssue("One", "", "claude-ready");
        fake.FailNext("/issues", 500);
        fake.FailNext("/issues", 429, "{\"message\":\"slow down\"}", ("Retry-After", "1"));
        fake.FailNext("/issues", 403, "{\"message\":\"API rate limit exceeded\"}", ("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)));

        var json = repo.Baton("github", "import", "--label", "claude-ready", "--json").Ok().Json();

        Assert.Equal(1, json.GetProperty("created").GetInt32());
        Assert.Equal(4, fake.RequestsTo("GET", "/issues").Count);
    }

    [Fact]
    public void A_refusal_that_is_no_rate_limit_is_not_retried_and_says_what_to_do()
    {
        using var fake = new FakeGitHub(TokenValue);
        using var repo = Repo(fake);
        fake.FailNext("/issues", 403, "{\"message\":\"Resource not accessible by integration\"}");

        var run = repo.Baton("github", "import", "--label", "claude-ready");

        Assert.Equal(1, run.ExitCode);
        Assert.Single(fake.RequestsTo("GET", "/issues"));
        Assert.Contains("lacks the permission", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void The_api_base_url_can_be_a_github_enterprise_server()
    {
        using var fake = new FakeGitHub(TokenValue, pathPrefix: "/api/v3");
        using var repo = Repo(fake);
        fake.AddIssue("On Enterprise", "", "claude-ready");

        repo.Baton("github", "import", "--label", "claude-ready").Ok();

        Assert.All(fake.Locked(() => fake.Requests.ToList()), r => Assert.StartsWith("/api/v3/repos/acme/widgets/", r.Path, StringComparison.Ordinal));
        Assert.Equal("On Enterprise", repo.Baton("ticket", "show", "T-1", "--json").Ok().Json().GetProperty("title").GetString());
    }

    [Fact]
    public void Without_github_repository_the_repository_is_read_from_the_origin_remote()
    {
        using var fake = new FakeGitHub(TokenValue);
        using var repo = Repo(fake);
        File.WriteAllText(Path.Combine(repo.Dir, ".baton", "config.yaml"), $"github:\n  api_url: {fake.ApiUrl}\n");
        repo.Git("remote", "add", "origin", "git@github.com:acme/widgets.git");
        fake.AddIssue("From the remote", "", "claude-ready");

        var json = repo.Baton("github", "import", "--label", "claude-ready", "--json").Ok().Json();

        Assert.Equal("acme/widgets", json.GetProperty("repository").GetString());
        Assert.Equal(1, json.GetProperty("created").GetInt32());
    }

    [Fact]
    public void Without_a_token_the_error_says_how_to_provide_one()
    {
        using var fake = new FakeGitHub(TokenValue);
        using var repo = Repo(fake, token: "");
        repo.SetEnv("PATH", NoGhPath());

        var run = repo.Baton("github", "import", "--label", "claude-ready");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("no GitHub token: set GITHUB_TOKEN", run.Stderr, StringComparison.Ordinal);
        Assert.Empty(fake.Locked(() => fake.Requests.ToList()));
    }

    [Fact]
    public void The_token_never_appears_in_output_events_or_files_even_when_github_echoes_it()
    {
        // The token comes from `gh auth token` (in no environment variable), and the server puts it
        // into its error messages: only Baton's redaction can keep it out.
        using var fake = new FakeGitHub(TokenValue) { EchoInErrors = "you sent Bearer " + TokenValue + " and " + TokenValue };
        using var repo = Repo(fake, token: "");
        var bin = Path.Combine(repo.Dir, ".fake-bin");
        Directory.CreateDirectory(bin);
        File.WriteAllText(Path.Combine(bin, "gh"), $"#!/bin/sh\n[ \"$1 $2\" = \"auth token\" ] && echo {TokenValue}\n");
        File.SetUnixFileMode(Path.Combine(bin, "gh"), (UnixFileMode)0b111_101_101);
        repo.SetEnv("PATH", bin + ":" + NoGhPath());
        fake.AddIssue("One", "", "claude-ready");

        var outputs = new List<CliResult>
        {
            repo.Baton("github", "import", "--label", "claude-ready", "--json").Ok(),
            repo.Baton("github", "import", "--label", "no-such-label"),
        };
        fake.FailNext("/issues", 422, "{\"message\":\"Validation Failed for " + TokenValue + "\"}");
        outputs.Add(repo.Baton("github", "import", "--label", "claude-ready", "--json"));
        fake.FailNext("/issues", 401, "{\"message\":\"Bad credentials " + TokenValue + "\"}");
        outputs.Add(repo.Baton("github", "import", "--label", "claude-ready"));
        outputs.Add(repo.Baton("events", "recent", "100", "--json").Ok());

        Assert.All(fake.Locked(() => fake.Requests.ToList()), r => Assert.Equal("Bearer " + TokenValue, r.Authorization));
        Assert.Contains(outputs, o => o.ExitCode != 0 && o.Stderr.Contains("[REDACTED]", StringComparison.Ordinal));
        Assert.All(outputs, o => Assert.DoesNotContain(TokenValue, o.Stdout + o.Stderr, StringComparison.Ordinal));
        foreach (var file in Directory.EnumerateFiles(Path.Combine(repo.Dir, ".baton"), "*", SearchOption.AllDirectories))
        {
            Assert.DoesNotContain(TokenValue, File.ReadAllText(file), StringComparison.Ordinal);
        }
    }

    /// <summary>A repository whose config points at the fake; GITHUB_TOKEN is the fake's token unless given ("" unsets it).</summary>
    internal static TestRepo Repo(FakeGitHub fake, string? token = null, string config = "")
    {
        var repo = new TestRepo();
        repo.SetEnv("GITHUB_TOKEN", token ?? fake.Token);
        repo.SetEnv("GH_TOKEN", "");
        File.WriteAllText(Path.Combine(repo.Dir, ".baton", "config.yaml"), config + GitHubSection(fake));
        return repo;
    }

    internal static string GitHubSection(FakeGitHub fake) =>
        $"github:\n  api_url: {fake.ApiUrl}\n  repository: {fake.Repository}\n  poll_interval: 1s\n";

    /// <summary>PATH without any folder that holds a `gh` (a developer's real one must not answer).</summary>
    internal static string NoGhPath() => string.Join(':', (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
        .Where(d => d.Length > 0 && !File.Exists(Path.Combine(d, "gh"))));

    internal static JsonElement Single(IEnumerable<JsonElement> items) => Assert.Single(items);
}
