using Baton.IntegrationTests.Support;
using Baton.IntegrationTests.Support.ModelServer;
using Baton.IntegrationTests.Support.RealAgents;
using Xunit;

namespace Baton.IntegrationTests.RealAgents;

/// <summary>
/// The real Codex TUI in tmux, spawned by Baton in a folder it has never trusted: the prompt it
/// draws before its trust dialog must not be taken for ready, the profile answers the dialogs
/// (trust, then the model-migration notice), and the prompt reaches the model. Its turn's end
/// reaches Baton through Codex's notify program.
/// </summary>
public sealed class CodexTuiTests : IDisposable
{
    private readonly TestRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    [Fact]
    public void Codex_tui_in_a_new_folder_is_trusted_by_the_profile_patches_commits_goes_idle_and_leaves_on_kill()
    {
        using var server = new ScriptedModelServer([
            ModelStep.WriteFile("notes.txt", "written by the Codex TUI\n", new ModelUsage(200, 40, 0, 0)),
            ModelStep.Run("git add notes.txt && git commit -q -m 'Codex TUI: notes'", new ModelUsage(50, 20, 0, 200)),
            ModelStep.Say("DONE", new ModelUsage(30, 5, 0, 250)),
        ]);
        // The built-in interactive command's --add-dir arguments, which let the sandbox write .git.
        RealAgentSetup.WriteProfile(_repo, "codex", AgentBinaries.Codex, ["-c", "allow_login_shell=false", "--add-dir", "{git_common_dir}", "--add-dir", "{git_dir}"], null,
            CodexSetup.Environment(_repo, server));

        _repo.Baton("spawn", "--agent", "codex", "--name", "cx", "Write notes.txt and commit it").Ok();

        if (!Eventually(() => _repo.Git("log", "--oneline", "-1").Contains("Codex TUI: notes", StringComparison.Ordinal), 40))
        {
            Assert.Fail($"Codex did not commit notes.txt; screen:\n{Screen()}\nevents:\n{string.Join('\n', Events("cx"))}\nrequests:\n{server.Describe()}\nlast:\n{server.Requests[^1].Body?["input"]?.ToJsonString()[^3000..]}\ngit: {_repo.Git("status", "--short")}");
        }
        Assert.Equal("written by the Codex TUI\n", File.ReadAllText(Path.Combine(_repo.Dir, "notes.txt")));
        _repo.WaitForState("cx", "idle", 60);
        Assert.True(server.ScriptDone, server.Describe());

        var events = Events("cx");
        var answered = events.Where(e => e.Type == "worker_startup_answered").Select(e => e.Message).ToList();
        Assert.Contains(answered, m => m.Contains("trust-folder", StringComparison.Ordinal));
        var typed = Assert.Single(events, e => e.Type == "worker_prompt_sent").Message;
        Assert.StartsWith("submitted", typed, StringComparison.Ordinal);

        // The idle came from Codex's notify (the profile's notify_argument), not only the screen;
        // the TUI's title side turn is recorded but says nothing about the state.
        var hooks = events.Where(e => e.Type == "worker_hook").Select(e => e.Message).ToList();
        Assert.Contains("hook: agent-turn-complete -> idle", hooks);
        Assert.Contains("hook: agent-turn-complete (title)", hooks);
        Assert.Contains(events, e => e.Type == "worker_state_changed" && e.Message.EndsWith("-> idle: hook: agent-turn-complete", StringComparison.Ordinal));

        // Baton read the usage from the thread's rollout the notify named: what the server reported
        // for the user's turn (Codex's title side turn is not in the rollout), once each, with
        // OpenAI's cached input taken out of input.
        var reported = server.Requests.Where(r => !r.IsSide).Aggregate(ModelUsage.Zero, (sum, r) => sum + r.Reported);
        Assert.Equal(new ModelUsage(280, 65, 0, 450), reported);
        var counted = ModelUsage.Zero;
        if (!Eventually(() => (counted = Usage()) == reported, 30))
        {
            Assert.Fail($"usage {counted}, reported {reported}\nevents:\n{string.Join('\n', Events("cx"))}");
        }

        var run = Assert.Single(_repo.Baton("usage", "--worker", "cx", "--json").Ok().Json().GetProperty("workers").EnumerateArray());
        Assert.Equal("gpt-5.5", run.GetProperty("model").GetString());
        Assert.Equal(30 + 250, run.GetProperty("context_tokens").GetInt64()); // the last request's input
        Assert.Contains(Events("cx"), e => e.Type == "worker_usage");

        // kill types /quit and Codex leaves.
        var before = Screen();
        var outcome = _repo.Baton("kill", "cx", "--json").Ok().Json();
        Assert.True(outcome.GetProperty("graceful").GetBoolean(), $"{outcome}\nscreen before:\n{before}\nevents:\n{string.Join('\n', Events("cx"))}");
    }

    private static bool Eventually(Func<bool> condition, int seconds)
    {
        try
        {
            TestRepo.WaitUntil(condition, "", seconds);
            return true;
        }
        catch (Xunit.Sdk.XunitException)
        {
            return false;
        }
    }

    private ModelUsage Usage()
    {
        var total = _repo.Baton("usage", "--worker", "cx", "--json").Ok().Json().GetProperty("total");
        return new ModelUsage(total.GetProperty("input_tokens").GetInt64(), total.GetProperty("output_tokens").GetInt64(),
            total.GetProperty("cache_creation_tokens").GetInt64(), total.GetProperty("cache_read_tokens").GetInt64());
    }

    private string Screen() => _repo.Baton("capture", "cx", "--lines", "30").Stdout;

    private List<(string Type, string Message)> Events(string worker) =>
        _repo.Baton("events", "recent", "200", "--worker", worker, "--json").Ok().Json().EnumerateArray()
            .Select(e => (e.GetProperty("type").GetString()!, e.GetProperty("message").GetString() ?? ""))
            .ToList();
}
