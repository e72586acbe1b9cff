using Baton.Core.GitHub;
using Baton.Core.Tickets;
using Xunit;

namespace Baton.Core.Tests.GitHub;

public sealed class GitHubRulesTests
{
    [Theory]
    [InlineData("https://github.com/acme/widgets.git", "github.com", "acme/widgets")]
    [InlineData("https://github.com/acme/widgets", "github.com", "acme/widgets")]
    [InlineData("https://user@github.com/acme/wid.gets/", "github.com", "acme/wid.gets")]
    [InlineData("git@github.com:acme/widgets.git", "github.com", "acme/widgets")]
    [InlineData("ssh://git@github.example.com:2222/acme/widgets.git", "github.example.com", "acme/widgets")]
    [InlineData("git@ghe.corp:team/app", "ghe.corp", "team/app")]
    public void Remote_urls_in_https_and_ssh_forms_give_host_and_repository(string url, string host, string repository)
    {
        Assert.Equal((host, repository), GitHubRemote.Parse(url));
    }

    [Theory]
    [InlineData("/tmp/remote.git")]
    [InlineData("../other")]
    [InlineData("https://github.com/only-owner")]
    public void Local_paths_and_partial_urls_are_not_github_remotes(string url) => Assert.Null(GitHubRemote.Parse(url));

    [Fact]
    public void Enterprise_hosts_get_the_api_v3_path_and_github_com_gets_api_github_com()
    {
        Assert.Equal("https://api.github.com", GitHubRemote.ApiUrlFor("github.com"));
        Assert.Equal("https://ghe.corp/api/v3", GitHubRemote.ApiUrlFor("ghe.corp"));
    }

    [Theory]
    [InlineData("good first issue", "good-first-issue")]
    [InlineData("area: api", "area:-api")]
    [InlineData("claude-ready", "claude-ready")]
    [InlineData("🔥 hot", "hot")]
    public void Github_labels_become_valid_ticket_labels(string label, string expected) =>
        Assert.Equal(expected, GitHubImporter.TicketLabel(label));

    [Theory]
    [InlineData(TicketStatus.Open, "idle")]
    [InlineData(TicketStatus.InProgress, "in-progress")]
    [InlineData(TicketStatus.Review, "in-progress")]
    [InlineData(TicketStatus.Blocked, "blocked")]
    [InlineData(TicketStatus.Failed, "blocked")]
    [InlineData(TicketStatus.Done, "done")]
    [InlineData(TicketStatus.Cancelled, "idle")]
    public void Ticket_states_map_to_issue_states(TicketStatus status, string expected) => Assert.Equal(expected, IssueSync.Desired(status));

    [Fact]
    public void A_pull_request_of_an_imported_ticket_closes_its_issue_and_others_link_nothing()
    {
        var now = DateTimeOffset.UnixEpoch;
        var imported = new Ticket { Number = 4, Title = "Login", Status = TicketStatus.Review, Source = "github#17", Branch = "baton/T-4-login", Summary = "added it", CreatedAt = now, UpdatedAt = now };
        var local = imported with { Source = "local" };

        var body = PullRequestTemplate.Render(PullRequestTemplate.BuiltIn(), imported, "main");

        Assert.StartsWith("Closes #17", body, StringComparison.Ordinal);
        Assert.Contains("T-4: Login", body, StringComparison.Ordinal);
        Assert.Contains("`baton/T-4-login` into `main`", body, StringComparison.Ordinal);
        Assert.Contains("added it", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Closes", PullRequestTemplate.Render(PullRequestTemplate.BuiltIn(), local, "main"), StringComparison.Ordinal);
        Assert.Null(PullRequestTemplate.IssueNumber(local));
    }
}
