using Baton.IntegrationTests.Support;
using Baton.IntegrationTests.Support.ModelServer;
using Baton.IntegrationTests.Support.RealAgents;
using Xunit;
using static Baton.IntegrationTests.RealAgents.GeminiHeadlessTests;

namespace Baton.IntegrationTests.RealAgents;

/// <summary>
/// The real Gemini CLI TUI in tmux, spawned by Baton with the built-in profile's
/// GEMINI_CLI_TRUST_WORKSPACE (a new worktree is trusted without a dialog; hooks run only in a
/// trusted folder), the role's context reaching the model through GEMINI.md, its approval boxes
/// answered with `baton send`, and the role's hooks (Baton's settings file, named by
/// GEMINI_CLI_SYSTEM_SETTINGS_PATH) reporting the states. The trust dialog itself is answered by a
/// start-up rule checked against its recorded screen (RecordedStreamTests): driven live, the Enter
/// once left the folder untrusted without the restart (one run in three), so it is not the path
/// this test depends on.
/// </summary>
public sealed class GeminiTuiTests : IDisposable
{
    private const string Marker = "Gemini role marker 4417";
    private readonly TestRepo _repo = new(parent: GeminiSetup.PrivateParent());

    public void Dispose() => _repo.Dispose();

    [Fact]
    public void Gemini_tui_trusted_by_the_profile_asks_permission_gets_it_from_send_commits_goes_idle_and_leaves_on_kill()
    {
        using var server = new ScriptedModelServer([
            ModelStep.WriteFile("notes.txt", "written by the Gemini TUI\n", new ModelUsage(200, 40, 0, 0)),
            // Held open 2 s: `send` presses Enter after its "1", which must land on the idle input, not this box.
            ModelStep.Run("git add notes.txt && git commit -q -m 'Gemini TUI: notes'", new ModelUsage(50, 20, 0, 200)).After(TimeSpan.FromSeconds(2)),
            ModelStep.Say("DONE", new ModelUsage(30, 5, 0, 250)),
        ]);
        WriteRole(_repo, Marker);
        RealAgentSetup.WriteProfile(_repo, "gemini", AgentBinaries.Gemini, null, null, GeminiSetup.Environment(_repo, server));

        _repo.Baton("spawn", "--agent", "gemini", "--role", "asker", "--name", "gm", "Write notes.txt and commit it").Ok();

        // The write_file approval box: "1" (Allow once) answers it; Gemini CLI takes the digit alone.
        _repo.WaitForState("gm", "waiting", 90);
        TestRepo.WaitUntil(() => Screen().Contains("Apply this change?", StringComparison.Ordinal), "the write approval on the screen", 30);
        Assert.False(File.Exists(Path.Combine(_repo.Dir, "notes.txt")));
        RealAgentSetup.Answer(_repo, () => Screen().Contains("Apply this change?", StringComparison.Ordinal), "send", "gm", "1");
        TestRepo.WaitUntil(() => File.Exists(Path.Combine(_repo.Dir, "notes.txt")), "notes.txt written", 30, () => $"screen:\n{Screen()}\n{server.Describe()}");

        TestRepo.WaitUntil(() => Screen().Contains("Allow execution of", StringComparison.Ordinal), "the shell approval on the screen", 30);
        _repo.WaitForState("gm", "waiting", 30);
        RealAgentSetup.Answer(_repo, () => Screen().Contains("Allow execution of", StringComparison.Ordinal), "send", "gm", "1");
        TestRepo.WaitUntil(() => _repo.Git("log", "--oneline", "-1").Contains("Gemini TUI: notes", StringComparison.Ordinal), "the commit", 60, () => $"screen:\n{Screen()}\n{server.Describe()}");
        Assert.Equal("written by the Gemini TUI\n", File.ReadAllText(Path.Combine(_repo.Dir, "notes.txt")));
        _repo.WaitForState("gm", "idle", 60);
        Assert.True(server.ScriptDone, server.Describe());

        var events = Events(_repo, "gm");
        Assert.DoesNotContain(events, e => e.Type == "worker_startup_answered");
        Assert.StartsWith("submitted", Assert.Single(events, e => e.Type == "worker_prompt_sent").Message, StringComparison.Ordinal);
        var hooks = events.Where(e => e.Type == "worker_hook").Select(e => e.Message).ToList();
        var errors = Path.Combine(_repo.Dir, ".baton", "logs", "hook-errors.log");
        Assert.True(hooks.Any(m => m.Contains("BeforeAgent", StringComparison.Ordinal) && m.Contains("busy", StringComparison.Ordinal)),
            $"hooks: {string.Join("; ", hooks)}\nhook errors: {(File.Exists(errors) ? File.ReadAllText(errors) : "none")}\nevents:\n{string.Join('\n', events)}\nscreen:\n{Screen()}");
        Assert.Contains(hooks, m => m.Contains("Notification", StringComparison.Ordinal) && m.Contains("waiting", StringComparison.Ordinal));
        Assert.Contains(hooks, m => m.Contains("AfterAgent", StringComparison.Ordinal) && m.Contains("idle", StringComparison.Ordinal));
        // The role's context went in as GEMINI.md (excluded from git, never committed).
        Assert.Contains(server.Requests, r => !r.IsSide && r.Body?.ToJsonString().Contains(Marker, StringComparison.Ordinal) == true);
        Assert.DoesNotContain("GEMINI.md", _repo.Git("show", "--stat", "HEAD"), StringComparison.Ordinal);

        // kill types /quit and Gemini CLI leaves; the GEMINI.md Baton wrote goes with it.
        var outcome = _repo.Baton("kill", "gm", "--json").Ok().Json();
        Assert.True(outcome.GetProperty("graceful").GetBoolean(), $"{outcome}\nevents:\n{string.Join('\n', Events(_repo, "gm"))}");
        Assert.False(File.Exists(Path.Combine(_repo.Dir, "GEMINI.md")));
    }

    private string Screen() => _repo.Baton("capture", "gm", "--lines", "60").Stdout;

    internal static void WriteRole(TestRepo repo, string marker) => File.WriteAllText(Path.Combine(repo.Dir, ".baton", "roles", "asker.yaml"), $"""
        name: asker
        description: A test role whose agent asks before writing and running
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
          You are a test worker. {marker}. Do what the task says.
        """);
}
