using Baton.IntegrationTests.Support;
using Baton.IntegrationTests.Support.ModelServer;
using Baton.IntegrationTests.Support.RealAgents;
using Xunit;
using static Baton.IntegrationTests.RealAgents.GeminiHeadlessTests;

namespace Baton.IntegrationTests.RealAgents;

/// <summary>
/// The real OpenCode TUI in tmux, spawned by Baton: no start-up dialogs, a first start that draws
/// nothing for seconds, the role's context through AGENTS.md, its permission prompts (edits and
/// commands set to "ask") answered with `baton approve` (Enter: "Allow once"; typed text would be
/// kept for its input box), and a clean /exit. OpenCode reports no state to Baton here (its plugins
/// need a package it installs from the network first): the states come from the screen.
/// </summary>
public sealed class OpenCodeTuiTests : IDisposable
{
    private const string Marker = "OpenCode role marker 5521";
    private readonly TestRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    [Fact]
    public void Opencode_tui_asks_permission_gets_it_from_approve_commits_goes_idle_and_leaves_on_kill()
    {
        var file = Path.Combine(_repo.Dir, "notes.txt");
        using var server = new ScriptedModelServer([
            ModelStep.WriteFile(file, "written by the OpenCode TUI\n", new ModelUsage(200, 40, 0, 0)),
            ModelStep.Run("git add notes.txt && git commit -q -m 'OpenCode TUI: notes'", new ModelUsage(50, 20, 0, 200)).After(TimeSpan.FromSeconds(2)),
            ModelStep.Say("DONE", new ModelUsage(30, 5, 0, 250)),
        ]);
        GeminiTuiTests.WriteRole(_repo, Marker);
        RealAgentSetup.WriteProfile(_repo, "opencode", AgentBinaries.OpenCode, null, null, OpenCodeSetup.Environment(_repo, server, ask: true));

        _repo.Baton("spawn", "--agent", "opencode", "--role", "asker", "--name", "oc", "Write notes.txt and commit it").Ok();

        _repo.WaitForState("oc", "waiting", 120);
        TestRepo.WaitUntil(() => Screen().Contains("Permission required", StringComparison.Ordinal), "the edit permission on the screen", 30);
        Assert.False(File.Exists(file));
        RealAgentSetup.Answer(_repo, () => Screen().Contains("Permission required", StringComparison.Ordinal), "approve", "oc");
        TestRepo.WaitUntil(() => File.Exists(file), "notes.txt written", 30, () => $"screen:\n{Screen()}\n{server.Describe()}");

        TestRepo.WaitUntil(() => Screen().Contains("# Shell command", StringComparison.Ordinal), "the command permission on the screen", 30);
        _repo.WaitForState("oc", "waiting", 30);
        RealAgentSetup.Answer(_repo, () => Screen().Contains("# Shell command", StringComparison.Ordinal), "approve", "oc");
        TestRepo.WaitUntil(() => _repo.Git("log", "--oneline", "-1").Contains("OpenCode TUI: notes", StringComparison.Ordinal), "the commit", 60, () => $"screen:\n{Screen()}\n{server.Describe()}");
        Assert.Equal("written by the OpenCode TUI\n", File.ReadAllText(file));
        _repo.WaitForState("oc", "idle", 60);
        Assert.True(server.ScriptDone, server.Describe());

        var events = Events(_repo, "oc");
        Assert.DoesNotContain(events, e => e.Type == "worker_startup_answered");
        Assert.StartsWith("submitted", Assert.Single(events, e => e.Type == "worker_prompt_sent").Message, StringComparison.Ordinal);
        Assert.Equal(2, events.Count(e => e.Type == "permission_approved"));
        Assert.Contains(events, e => e.Type == "worker_state_changed" && e.Message.Contains("-> idle: screen", StringComparison.Ordinal));
        Assert.Contains(server.Requests, r => !r.IsSide && r.Body?.ToJsonString().Contains(Marker, StringComparison.Ordinal) == true);

        var outcome = _repo.Baton("kill", "oc", "--json").Ok().Json();
        Assert.True(outcome.GetProperty("graceful").GetBoolean(), $"{outcome}\nscreen:\n{Screen()}");
        Assert.False(File.Exists(Path.Combine(_repo.Dir, "AGENTS.md")));
    }

    private string Screen() => _repo.Baton("capture", "oc", "--lines", "60").Stdout;
}
