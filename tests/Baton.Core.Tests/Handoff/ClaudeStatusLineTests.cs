using Baton.Core.Usage;
using Xunit;

namespace Baton.Core.Tests.Handoff;

/// <summary>Claude Code 2.1.330's status-line input, recorded from its TUI against a local model server (tests/fixtures/claude-code-2.1.330/statusline-input.jsonl).</summary>
public sealed class ClaudeStatusLineTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 15, 0, 0, TimeSpan.Zero);

    private static List<string> Recorded()
    {
        using var stream = typeof(ClaudeStatusLineTests).Assembly.GetManifestResourceStream("claude-2.1.330-statusline-input.jsonl")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
    }

    [Fact]
    public void Before_the_first_request_the_status_line_has_no_usage_and_nothing_is_worth_storing()
    {
        var reading = ClaudeStatusLine.Parse(Recorded()[0], Now);

        Assert.NotNull(reading);
        Assert.Null(reading.Context);
        Assert.Null(reading.RateLimits);
        Assert.True(reading.IsEmpty);
        Assert.Equal("baton cc", ClaudeStatusLine.Render("cc", reading));
    }

    [Fact]
    public void After_a_request_it_carries_the_fill_the_session_cost_and_the_subscription_windows()
    {
        var reading = ClaudeStatusLine.Parse(Recorded()[1], Now)!;

        // current_usage: 1234 input + 500 cache written + 3000 cache read, of a 1M window.
        Assert.Equal(new ContextFill(4734, 1_000_000, "claude-opus-5-5"), reading.Context);
        Assert.Equal(0.008176m, reading.SessionCostUsd);
        var limits = reading.RateLimits!;
        Assert.Equal(new RateLimitWindow(42, DateTimeOffset.FromUnixTimeSeconds(1796140000)), limits.FiveHour);
        Assert.Equal(new RateLimitWindow(13, DateTimeOffset.FromUnixTimeSeconds(1796600000)), limits.SevenDay);
        Assert.Equal(Now, limits.ObservedAt);
        Assert.Equal("baton cc · ctx 4.7k/1M (0%) · $0.0082 · 5h 42% · 7d 13%", ClaudeStatusLine.Render("cc", reading));
    }

    [Fact]
    public void A_window_may_be_missing_or_reset_at_an_iso_time_and_junk_is_no_reading()
    {
        var reading = ClaudeStatusLine.Parse(
            """{"context_window":{"context_window_size":200000,"current_usage":{"input_tokens":150000}},"rate_limits":{"seven_day":{"used_percentage":97.5,"resets_at":"2026-12-03T00:00:00Z"}}}""", Now)!;

        Assert.Equal(new ContextFill(150000, 200000, null), reading.Context);
        Assert.Null(reading.SessionCostUsd);
        Assert.Null(reading.RateLimits!.FiveHour);
        Assert.Equal(new RateLimitWindow(97.5, new DateTimeOffset(2026, 12, 3, 0, 0, 0, TimeSpan.Zero)), reading.RateLimits.SevenDay);
        Assert.Equal("baton w1 · ctx 150k/200k (75%) · 7d 98%", ClaudeStatusLine.Render("w1", reading));

        Assert.Null(ClaudeStatusLine.Parse("not json", Now));
        Assert.Null(ClaudeStatusLine.Parse("[1, 2]", Now));
        Assert.Null(ClaudeStatusLine.Parse("""{"rate_limits": {}}""", Now)!.RateLimits);
    }
}
