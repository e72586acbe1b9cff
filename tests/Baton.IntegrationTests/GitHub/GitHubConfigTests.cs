using Baton.Core;
using Baton.Infrastructure.Config;
using Xunit;

namespace Baton.IntegrationTests.GitHub;

public sealed class GitHubConfigTests
{
    [Theory]
    [InlineData("merge:\n  mode: github\n", "c.yaml:2:9: 'mode' is 'github'; allowed values are local, pull_request")]
    [InlineData("github:\n  api_url: ftp://host\n", "c.yaml:2:12: 'api_url' must be an http(s) URL")]
    [InlineData("github:\n  repository: widgets\n", "c.yaml:2:15: 'repository' must be OWNER/NAME")]
    [InlineData("github:\n  poll_interval: 0s\n", "c.yaml:2:18: 'poll_interval' is 0s; allowed range is 1s to 1h")]
    [InlineData("github:\n  remote: 'a b'\n", "c.yaml:2:11: 'remote' must be a git remote name")]
    [InlineData("github:\n  token: abc\n", "c.yaml:2:3: unknown field 'token'")]
    [InlineData("github:\n  import_labels: [ready, \"-bad label!\"]\n", "c.yaml:2:18: 'import_labels' has '-bad label!', which is no GitHub label name")]
    [InlineData("github:\n  import_labels: claude-ready\n", "c.yaml:2:18: 'import_labels' must be a list")]
    [InlineData("github:\n  poll: sometimes\n", "c.yaml:2:9: 'poll'")]
    public void Github_settings_are_checked_with_file_and_line(string yaml, string expected)
    {
        var e = Assert.Throws<BatonException>(() => ConfigLoader.Parse("c.yaml", yaml));

        Assert.StartsWith(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Github_settings_and_the_merge_mode_are_read()
    {
        var c = ConfigLoader.Parse("c.yaml", "merge:\n  mode: pull_request\ngithub:\n  api_url: https://ghe.corp/api/v3/\n  repository: acme/widgets\n  remote: upstream\n  poll_interval: 2m\n  in_progress_label: agent working\n");

        Assert.True(c.Autopilot.PullRequests);
        Assert.Equal("https://ghe.corp/api/v3", c.GitHub.ApiUrl);
        Assert.Equal("acme/widgets", c.GitHub.Repository);
        Assert.Equal("upstream", c.GitHub.Remote);
        Assert.Equal(TimeSpan.FromMinutes(2), c.GitHub.PollInterval);
        Assert.Equal("agent working", c.GitHub.InProgressLabel);
        Assert.Equal("claude-blocked", c.GitHub.BlockedLabel);
        Assert.False(c.GitHub.Poll);
        Assert.False(c.GitHub.CloseIssues);
    }

    [Fact]
    public void The_poll_settings_are_read()
    {
        var c = ConfigLoader.Parse("c.yaml", "github:\n  poll: true\n  import_labels: [claude-ready, \"priority: high\"]\n  exclude_labels: [blocked]\n  close_issues: yes\n");

        Assert.True(c.GitHub.Poll);
        Assert.Equal(new[] { "claude-ready", "priority: high" }, c.GitHub.ImportLabels);
        Assert.Equal(new[] { "blocked" }, c.GitHub.ExcludeLabels);
        Assert.True(c.GitHub.CloseIssues);
    }
}
