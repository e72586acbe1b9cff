using System.Text;
using Baton.Core.Usage;
using Baton.Infrastructure.Storage.Sql;
using Baton.Infrastructure.Storage.Sqlite;
using Baton.IntegrationTests.Support;
using Baton.IntegrationTests.Support.ModelServer;
using Baton.IntegrationTests.Support.RealAgents;
using Xunit;

namespace Baton.IntegrationTests.RealAgents;

/// <summary>
/// The real Claude Code 2.1.330 TUI runs the statusLine command Baton puts in a role's settings:
/// its context fill, session cost and subscription windows reach Baton's store, and the footer
/// shows Baton's line. Claude Code fills <c>rate_limits</c> only for accounts metered on windows:
/// it reads the server's <c>anthropic-ratelimit-unified-*</c> headers when its token is a gateway
/// token (a JWT whose audience is <c>claude-gateway</c>), which the scripted server stands in for.
/// </summary>
public sealed class ClaudeStatusLineTests : IDisposable
{
    private readonly TestRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    private static string Base64Url(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [Fact]
    public void The_tui_reports_fill_cost_and_subscription_windows_through_batons_status_line()
    {
        // Resets in the future: Claude Code drops a window whose reset time has passed.
        var fiveHourReset = DateTimeOffset.UtcNow.AddHours(3).ToUnixTimeSeconds();
        var sevenDayReset = DateTimeOffset.UtcNow.AddDays(5).ToUnixTimeSeconds();
        var reset5h = fiveHourReset.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var reset7d = sevenDayReset.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var server = new ScriptedModelServer([ModelStep.Say("Hello from the status line test.", new ModelUsage(300, 40, 1000, 2000))])
        {
            ResponseHeaders = new Dictionary<string, string>
            {
                ["anthropic-ratelimit-unified-status"] = "allowed",
                ["anthropic-ratelimit-unified-5h-status"] = "allowed",
                ["anthropic-ratelimit-unified-5h-utilization"] = "0.42",
                ["anthropic-ratelimit-unified-5h-reset"] = reset5h,
                ["anthropic-ratelimit-unified-7d-status"] = "allowed",
                ["anthropic-ratelimit-unified-7d-utilization"] = "0.13",
                ["anthropic-ratelimit-unified-7d-reset"] = reset7d,
                ["anthropic-ratelimit-unified-representative-claim"] = "five_hour",
                ["anthropic-ratelimit-unified-reset"] = reset5h,
            },
        };
        var env = RealAgentSetup.ClaudeEnvironment(server, RealAgentSetup.ClaudeHome(_repo));
        env["ANTHROPIC_AUTH_TOKEN"] = Base64Url("""{"alg":"none","typ":"JWT"}""") + "." + Base64Url("""{"aud":"claude-gateway","sub":"baton-test"}""") + ".unsigned";
        RealAgentSetup.WriteProfile(_repo, "claude", AgentBinaries.Claude, ["--permission-mode", "acceptEdits"], null, env);
        File.WriteAllText(Path.Combine(_repo.Dir, ".baton", "roles", "lined.yaml"), """
            name: lined
            description: A test role (its settings carry Baton's hooks and status line)
            capacity: 2
            exit_when_done: false
            commit_before_stop: false
            auto_approve: false
            directives: []
            permissions:
              allow: []
              deny: []
              write: ["**"]
              protected_branches: []
            prompt: |
              You are a test worker. Do what the task says.
            """);

        _repo.Baton("spawn", "--agent", "claude", "--role", "lined", "--name", "cc", "Say hello").Ok();

        // The session's cost and the windows arrive with the status line's run after the answer.
        TestRepo.WaitUntil(() =>
        {
            _repo.Baton("list").Ok();
            return _repo.Baton("usage", "--worker", "cc", "--json").Ok().Json().GetProperty("workers")[0].TryGetProperty("cost_usd", out var c)
                && c.ValueKind == System.Text.Json.JsonValueKind.Number && c.GetDecimal() > 0;
        }, "the status line's cost in the store", 90);
        Assert.True(server.ScriptDone, server.Describe());
        var run = _repo.Baton("usage", "--worker", "cc", "--json").Ok().Json().GetProperty("workers")[0];
        Assert.Equal(300 + 1000 + 2000, run.GetProperty("context_tokens").GetInt64());
        Assert.Equal(1_000_000, run.GetProperty("context_window").GetInt64()); // the window Claude Code itself reports

        using (var store = SqliteStore.Open(Path.Combine(_repo.Dir, ".baton", "baton.db"), create: false))
        {
            var reading = Assert.Single(new SqlUsageStore(store).LatestRateLimits());
            Assert.Equal(("claude", "cc"), (reading.Agent, reading.Worker));
            Assert.Equal(new RateLimitWindow(42, DateTimeOffset.FromUnixTimeSeconds(fiveHourReset)), reading.Limits.FiveHour);
            Assert.Equal(new RateLimitWindow(13, DateTimeOffset.FromUnixTimeSeconds(sevenDayReset)), reading.Limits.SevenDay);
        }

        // The footer shows Baton's line.
        TestRepo.WaitUntil(() => _repo.Baton("capture", "cc", "--lines", "40").Ok().Stdout.Contains("baton cc · ctx 3.3k/1M", StringComparison.Ordinal), "Baton's status line in the footer", 30);
        _repo.Baton("kill", "cc").Ok();
    }
}
