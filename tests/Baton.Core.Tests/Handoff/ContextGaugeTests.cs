using Baton.Core.Agents.Streams;
using Baton.Core.Usage;
using Baton.Infrastructure.Config;
using Xunit;

namespace Baton.Core.Tests.Handoff;

public sealed class ContextGaugeTests
{
    private static List<string> Resource(string name)
    {
        using var stream = typeof(ContextGaugeTests).Assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
    }

    [Fact]
    public void Headless_claude_is_measured_against_its_results_context_window_less_the_summary_reserve()
    {
        // Given the recorded Claude Code 2.1.330 stream: modelUsage says contextWindow 1,000,000.
        var parser = new ClaudeStreamParser();
        ContextFill? fill = null;
        foreach (var line in Resource("claude-2.1.330-headless-stream-json.jsonl"))
        {
            foreach (var e in parser.Parse(line).Where(e => e.Context is not null))
            {
                fill = fill is null ? e.Context! : fill.Then(e.Context!);
            }
        }

        // When it is gauged for the claude profile
        var gauge = ContextGauge.Of("claude", fill)!;

        // Then the effective window keeps Claude Code's 20,000 summary tokens out
        Assert.Equal(1_000_000, gauge.Window);
        Assert.Equal(980_000, gauge.EffectiveWindow);
        Assert.Equal(fill!.Tokens, gauge.Tokens);
        Assert.Equal(Math.Round(100.0 * gauge.Tokens / 980_000, 1), gauge.Percent);
    }

    [Fact]
    public void A_codex_rollout_is_measured_against_95_percent_of_its_model_context_window()
    {
        var used = CodexRollout.Read(Resource("codex-0.169.0-rollout.jsonl"));

        var gauge = ContextGauge.Of("codex", used.Context)!;

        Assert.Equal(258_400, gauge.Window);
        Assert.Equal(245_480, gauge.EffectiveWindow);
        Assert.Equal(280, gauge.Tokens);
        Assert.Equal(0.1, gauge.Percent);
    }

    [Fact]
    public void A_configured_window_wins_by_model_name_first_then_by_profile_name()
    {
        var configured = new Dictionary<string, long> { ["gpt-5.5"] = 100_000, ["codex"] = 50_000, ["claude"] = 10_000 };

        Assert.Equal(100_000, EffectiveWindows.For("codex", "gpt-5.5", 258_400, configured));
        Assert.Equal(50_000, EffectiveWindows.For("codex", "o3", null, configured));
        Assert.Equal(10_000, EffectiveWindows.For("claude", "claude-opus-4", 200_000, configured));
        Assert.Equal(50.0, ContextGauge.Of("claude", new ContextFill(5_000, 200_000, "claude-opus-4"), configured)!.Percent);
    }

    [Theory]
    [InlineData("claude", 200_000L, 180_000L)]
    [InlineData("claude-opus", 1_000_000L, 980_000L)]
    [InlineData("claude", 100_000L, 90_000L)]
    [InlineData("codex", 400_000L, 380_000L)]
    [InlineData("gemini", 1_048_576L, 1_048_576L)]
    [InlineData("scripted", 1_000L, 1_000L)]
    public void Built_in_rules_by_profile(string agent, long window, long effective) =>
        Assert.Equal(effective, EffectiveWindows.For(agent, "m", window));

    [Fact]
    public void An_unknown_window_gives_no_percentage_and_no_request_gives_no_gauge()
    {
        Assert.Null(ContextGauge.Of("claude", new ContextFill(500, null, "mystery"))!.Percent);
        Assert.Null(ContextGauge.Of("claude", new ContextFill(null, 200_000, "claude-x")));
        Assert.Null(ContextGauge.Of("claude", null));
    }

    [Fact]
    public void The_handoff_section_is_read_with_its_windows()
    {
        var config = ConfigLoader.Parse("c.yaml", "handoff:\n  at: 50\n  force: 70\n  ask_timeout: 30s\n  windows: {\"claude-opus-4[1m]\": 900000}\n");

        Assert.Equal((50, 70, TimeSpan.FromSeconds(30)), (config.Handoff.At, config.Handoff.Force, config.Handoff.AskTimeout));
        Assert.Equal(900_000, config.Handoff.Windows["claude-opus-4[1m]"]);
        Assert.Contains("'windows.x' must be a whole number", Assert.ThrowsAny<BatonException>(() => ConfigLoader.Parse("c.yaml", "handoff:\n  windows: {x: 5}\n")).Message, StringComparison.Ordinal);
    }
}
