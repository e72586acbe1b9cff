using Baton.Core.Agents;
using Baton.Core.Workers;
using Baton.Infrastructure.Agents;
using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Agents;

/// <summary>
/// The built-in Claude Code and Codex profiles against every screen recorded from the real CLIs
/// (tests/fixtures). A new agent version whose screens change fails here, not in a stuck fleet.
/// The file name says what the screen is: busy-*, idle-*, waiting-*, dialog-*.
/// </summary>
public sealed class RecordedScreenTests
{
    public static TheoryData<string, string> Screens()
    {
        var data = new TheoryData<string, string>();
        foreach (var dir in Directory.GetDirectories(RepoPaths.Fixtures).Order(StringComparer.Ordinal))
        {
            var agent = Path.GetFileName(dir).StartsWith("codex", StringComparison.Ordinal) ? "codex" : "claude";
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
    }

    [Theory]
    [InlineData("claude-code-2.1.330/waiting-permission-write-default-mode.txt", "claude")]
    [InlineData("claude-code-2.1.197/idle-fresh.txt", "claude")]
    [InlineData("codex-0.169.0/idle-after-turn.txt", "codex")]
    public void An_empty_input_line_is_not_taken_for_typed_text(string fixture, string agent)
    {
        var profile = new AgentProfiles(null).Get(agent);

        var text = ScreenClassifier.InputText(profile.Screen, File.ReadAllText(Path.Combine(RepoPaths.Fixtures, fixture)));

        Assert.True(string.IsNullOrEmpty(text), $"input line read as '{text}'");
    }
}
