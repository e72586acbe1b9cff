using Baton.Core.Agents;
using Baton.Core.Usage;
using Xunit;

namespace Baton.Core.Tests.Usage;

public sealed class UsageTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Cache_hit_rate_is_cache_reads_over_all_input_tokens()
    {
        var t = new TokenUsage(Input: 100, Output: 999, CacheCreation: 300, CacheRead: 600);

        Assert.Equal(0.6, t.CacheHitRate);
        Assert.Equal(1399, t.Budgeted);
        Assert.Null(TokenUsage.Zero.CacheHitRate);
    }

    [Fact]
    public void Sums_keep_an_unknown_cost_unknown_and_add_known_ones()
    {
        Assert.Null((new TokenUsage(1, 1, 0, 0) + new TokenUsage(1, 1, 0, 0)).CostUsd);
        Assert.Equal(0.3m, (new TokenUsage(1, 1, 0, 0, 0.1m) + new TokenUsage(1, 1, 0, 0, 0.2m)).CostUsd);
    }

    [Theory]
    [InlineData("claude-opus-4-8[1m]", 1_000_000L)]
    [InlineData("claude-opus-5-5", 200_000L)]
    [InlineData("gpt-5.5", 400_000L)]
    [InlineData("fake-model", null)]
    public void Known_models_have_a_window_and_unknown_ones_none(string model, long? window)
    {
        Assert.Equal(window, ContextWindows.For(model));
    }

    [Fact]
    public void A_report_sums_each_ticket_over_its_workers_and_the_total_over_all()
    {
        UsageRow Row(string worker, long? ticket, long input, long read, long? ctx) => new()
        {
            Worker = worker,
            Agent = "claude",
            Ticket = ticket,
            Tokens = new TokenUsage(input, 10, 0, read, 0.5m),
            Context = ctx is null ? null : new ContextFill(ctx, 1000, "m"),
            StartedAt = Now,
            UpdatedAt = Now.AddMinutes(input),
        };
        var rows = new[] { Row("a", 1, 100, 300, 10), Row("b", 1, 200, 0, 500), Row("c", 2, 50, 50, null), Row("d", null, 1, 0, null) };

        var report = UsageReport.From(rows);
        var filtered = UsageReport.From(rows, ticket: 2);

        var t1 = Assert.Single(report.Tickets, t => t.Key == "T-1");
        Assert.Equal((300L, 300L, 2), (t1.Tokens.Input, t1.Tokens.CacheRead, t1.Runs));
        Assert.Equal(500, t1.Context!.Tokens); // the run that reported last
        Assert.Equal(0.5, t1.Tokens.CacheHitRate);
        Assert.Equal(351, report.Total.Tokens.Input);
        Assert.Equal(2.0m, report.Total.Tokens.CostUsd);
        Assert.Equal("c", Assert.Single(filtered.Workers).Key);
        Assert.Equal(50, filtered.Total.Tokens.Input);
    }

    [Theory]
    [InlineData("2.1.330 (Claude Code)", "2.1.330")]
    [InlineData("codex-cli 0.169.0", "0.169.0")]
    [InlineData("git version 2.39.5", "2.39.5")]
    [InlineData("tmux 3.3a", "3.3")]
    [InlineData("no digits here", null)]
    public void Versions_are_read_from_what_programs_print(string text, string? version)
    {
        Assert.Equal(version, AgentVersion.Parse(text));
    }

    [Theory]
    [InlineData("2.38", "2.38.0", 0)]
    [InlineData("2.37.9", "2.38", -1)]
    [InlineData("2.100", "2.38", 1)]
    [InlineData("1.0.0-beta.1", "1.0.0", 0)]
    public void Versions_compare_by_their_numbers(string a, string b, int sign)
    {
        Assert.Equal(sign, Math.Sign(AgentVersion.Compare(a, b)));
    }
}
