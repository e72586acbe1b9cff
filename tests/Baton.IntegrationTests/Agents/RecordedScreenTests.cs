using Baton.Core.Agents;
using Baton.Core.Workers;
using Baton.Infrastructure.Agents;
using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Agents;

/// <summary>
/// The built-in Claude Code, Codex, Gemini CLI and OpenCode profiles against every screen recorded from the real CLIs
/// (tests/fixtures). A new agent version whose screens change fails here, not in a stuck fleet.
/// The file name says what the screen is: busy-*, idle-*, waiting-*, dialog-*; the few others are named here.
/// </summary>
public sealed class RecordedScreenTests
{
    /// <summary>Screens whose name does not say their state.</summary>
    private static readonly Dictionary<string, WorkerState?> Named = new(StringComparer.Ordinal)
    {
        // The first Ctrl-D only asks for a second one: the prompt is still there.
        ["gemini-cli-0.61.0/exit-ctrl-d-once.txt"] = WorkerState.Idle,
        // The summary box after /quit: Gemini CLI has left.
        ["gemini-cli-0.61.0/exit-quit-summary.txt"] = null,
        ["opencode-1.18.33/exit-screen.txt"] = null,
        // "/exit" typed (its completion menu open), not yet submitted.
        ["opencode-1.18.33/typing-exit-command.txt"] = WorkerState.Idle,
    };

    /// <summary>The built-in profile a fixture folder was recorded with.</summary>
    public static string AgentOf(string folder) => folder switch
    {
        _ when folder.StartsWith("codex", StringComparison.Ordinal) => "codex",
        _ when folder.StartsWith("gemini-cli", StringComparison.Ordinal) => "gemini",
        _ when folder.StartsWith("opencode", StringComparison.Ordinal) => "opencode",
        _ => "claude",
    };

    public static TheoryData<string, string> Screens()
    {
        var data = new TheoryData<string, string>();
        foreach (var dir in Directory.GetDirectories(RepoPaths.Fixtures).Order(StringComparer.Ordinal))
        {
            var agent = AgentOf(Path.GetFileName(dir));
            foreach (var file in Directory.GetFiles(dir, "*.txt").Order(StringComparer.Ordinal))
            {
                data.Add(agent, Path.GetRelativePath(RepoPaths.Fixtures, file));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Screens))]
    public void Each_recorded_screen_reads_as_what_it_shows(string agent, string fixture)
    {
        var profile = new AgentProfiles(null).Get(agent);
        var screen = File.ReadAllText(Path.Combine(RepoPaths.Fixtures, fixture));
        var name = Path.GetFileName(fixture);

        var verdict = ScreenClassifier.Classify(profile, screen);

        WorkerState? expected = name switch
        {
            _ when Named.TryGetValue(fixture.Replace('\\', '/'), out var named) => named,
            _ when name.StartsWith("busy-", StringComparison.Ordinal) => WorkerState.Busy,
            _ when name.StartsWith("idle-", StringComparison.Ordinal) => WorkerState.Idle,
            _ when name.StartsWith("waiting-", StringComparison.Ordinal) => WorkerState.Waiting,
            _ when name.StartsWith("dialog-", StringComparison.Ordinal) => WorkerState.Starting,
            _ when name.StartsWith("interrupted-", StringComparison.Ordinal) => WorkerState.Idle,
            _ when name.StartsWith("auto-mode-wrote", StringComparison.Ordinal) => WorkerState.Busy, // still working: its footer says "esc to interrupt"
            _ when name.StartsWith("startup-", StringComparison.Ordinal) => WorkerState.Idle,
            _ when name.StartsWith("offline-onboarding", StringComparison.Ordinal) => null,
            _ => throw new InvalidOperationException($"no expectation for fixture {name}: name it busy-, idle-, waiting- or dialog-"),
        };
        Assert.True(expected == verdict.State, $"{fixture}: expected {expected?.ToText() ?? "no state"}, got {verdict.State?.ToText() ?? "no state"} ({verdict.Evidence})");
    }

    [Fact]
    public void Every_recorded_agent_version_has_screens()
    {
        var versions = Directory.GetDirectories(RepoPaths.Fixtures).Select(Path.GetFileName).ToList();

        Assert.Contains("claude-code-2.1.197", versions);
        Assert.Contains("claude-code-2.1.330", versions);
        Assert.Contains("codex-0.169.0", versions);
        Assert.Contains("gemini-cli-0.61.0", versions);
        Assert.Contains("opencode-1.18.33", versions);
    }

    [Theory]
    [InlineData("claude-code-2.1.330/waiting-permission-write-default-mode.txt", "claude")]
    [InlineData("claude-code-2.1.197/idle-fresh.txt", "claude")]
    [InlineData("codex-0.169.0/idle-after-turn.txt", "codex")]
    [InlineData("gemini-cli-0.61.0/idle-after-turn.txt", "gemini")]
    [InlineData("gemini-cli-0.61.0/idle-fresh.txt", "gemini")]
    [InlineData("opencode-1.18.33/idle-fresh.txt", "opencode")]
    [InlineData("opencode-1.18.33/idle-after-turn.txt", "opencode")]
    [InlineData("opencode-1.18.33/waiting-permission-write.txt", "opencode")]
    public void An_empty_input_line_is_not_taken_for_typed_text(string fixture, string agent)
    {
        var profile = new AgentProfiles(null).Get(agent);

        var text = ScreenClassifier.InputText(profile.Screen, File.ReadAllText(Path.Combine(RepoPaths.Fixtures, fixture)));

        Assert.True(string.IsNullOrEmpty(text), $"input line read as '{text}'");
    }

    [Theory]
    [InlineData("opencode-1.18.33/typing-exit-command.txt", "opencode", "/exit")]
    public void Typed_text_is_read_from_the_input_line(string fixture, string agent, string typed)
    {
        var profile = new AgentProfiles(null).Get(agent);

        Assert.Equal(typed, ScreenClassifier.InputText(profile.Screen, File.ReadAllText(Path.Combine(RepoPaths.Fixtures, fixture))));
    }
}
