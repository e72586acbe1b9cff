using Baton.IntegrationTests.Support;
using Baton.IntegrationTests.Support.ModelServer;
using Baton.IntegrationTests.Support.RealAgents;
using Xunit;

namespace Baton.IntegrationTests.RealAgents;

/// <summary>
/// The real Claude Code TUI in tmux, spawned by Baton as a user would: a profile override pointing
/// at the binary and the scripted model, a fresh HOME whose only setting is finished onboarding (so
/// the trust dialog of a new folder appears and the profile's start-up rules must answer it), and a
/// role whose settings install Baton's hooks.
/// </summary>
public sealed class ClaudeTuiTests : IDisposable
{
    private readonly TestRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    [Fact]
    public void Claude_tui_asks_permission_gets_it_from_send_commits_goes_idle_and_leaves_on_kill()
    {
        var file = Path.Combine(_repo.Dir, "hello.txt");
        using var server = new ScriptedModelServer([
            ModelStep.WriteFile(file, "hello from the TUI\n", new ModelUsage(300, 40, 1000, 0)),
            ModelStep.Run("git add hello.txt && git commit -q -m 'Add hello.txt from the TUI'", new ModelUsage(60, 30, 0, 1000)),
            ModelStep.Say("Committed hello.txt.", new ModelUsage(20, 10, 0, 1060)),
        ]);
        WriteAskerRole();
        RealAgentSetup.WriteClaudeProfile(_repo, server, RealAgentSetup.ClaudeHome(_repo), tuiArgs: ["--permission-mode", "default"]);

        _repo.Baton("spawn", "--agent", "claude", "--role", "asker", "--name", "cc", "Create hello.txt and commit it").Ok();

        // Given the Write tool asks in default mode, the worker waits on the dialog.
        _repo.WaitForState("cc", "waiting", 60);
        Assert.False(File.Exists(file));
        // The PermissionRequest hook makes it waiting before the TUI has drawn the dialog (seen on a
        // quiet machine: the capture right after showed only "● Write(hello.txt)"): wait for the drawing.
        TestRepo.WaitUntil(() => _repo.Baton("capture", "cc", "--lines", "40").Ok().Stdout.Contains("Do you want to create hello.txt?", StringComparison.Ordinal), "the permission dialog on the screen", 30);

        // When the person answers through Baton, the file is written and the (settings-allowed) commit follows.
        RealAgentSetup.Answer(_repo, () => _repo.Baton("capture", "cc", "--lines", "40").Ok().Stdout.Contains("Do you want to create hello.txt?", StringComparison.Ordinal), "send", "cc", "1");

        TestRepo.WaitUntil(() => _repo.Git("log", "--oneline", "-1").Contains("Add hello.txt from the TUI", StringComparison.Ordinal), "the agent committed hello.txt", 60,
            () => "screen:\n" + _repo.Baton("capture", "cc", "--lines", "40").Stdout + "\nmodel: " + server.Describe() + "\nevents:\n" + string.Join("\n", Events("cc").Select(e => e.Type + " " + e.Message)));
        Assert.Equal("hello from the TUI\n", File.ReadAllText(file));
        _repo.WaitForState("cc", "idle", 60);

        // The states came from the hooks as well as the screen.
        var events = Events("cc");
        var startup = events.Where(e => e.Type == "worker_startup_answered").Select(e => e.Message).ToList();
        // Answered once: keys sent at the dialog's first sight were lost and answered again 2 s later.
        Assert.Contains("trust-folder", Assert.Single(startup), StringComparison.Ordinal);
        var hooks = events.Where(e => e.Type == "worker_hook").Select(e => e.Message).ToList();
        Assert.Contains(hooks, m => m.Contains("PermissionRequest", StringComparison.Ordinal) && m.Contains("waiting", StringComparison.Ordinal));
        Assert.Contains(hooks, m => m.Contains("PreToolUse", StringComparison.Ordinal) && m.Contains("busy", StringComparison.Ordinal));
        Assert.Contains(hooks, m => m.Contains("Stop", StringComparison.Ordinal) && m.Contains("idle", StringComparison.Ordinal));
        var changes = events.Where(e => e.Type == "worker_state_changed").Select(e => e.Message).ToList();
        Assert.Contains(changes, m => m.Contains("-> waiting: hook: PermissionRequest", StringComparison.Ordinal));
        Assert.Contains(changes, m => m.Contains("-> idle: hook: Stop", StringComparison.Ordinal));
        Assert.True(server.ScriptDone, server.Describe());
        Assert.Equal(new ModelUsage(380, 80, 1000, 2060), server.ReportedUsage);

        // Baton read the usage from the transcript the Stop hook named: the same figures, once each.
        // Claude Code may write the turn's last message after its Stop hook: a later look at the
        // idle worker (here `baton list`) counts it.
        TestRepo.WaitUntil(() =>
        {
            _repo.Baton("list").Ok();
            return _repo.Baton("usage", "--worker", "cc", "--json").Ok().Json().GetProperty("total").GetProperty("cache_read_tokens").GetInt64() >= 2060;
        }, "the whole turn counted", 30);
        var usage = _repo.Baton("usage", "--worker", "cc", "--json").Ok().Json();
        var total = usage.GetProperty("total");
        Assert.Equal(server.ReportedUsage, new ModelUsage(total.GetProperty("input_tokens").GetInt64(), total.GetProperty("output_tokens").GetInt64(),
            total.GetProperty("cache_creation_tokens").GetInt64(), total.GetProperty("cache_read_tokens").GetInt64()));
        var run = Assert.Single(usage.GetProperty("workers").EnumerateArray());
        Assert.Equal("2.1.330", run.GetProperty("agent_version").GetString());
        Assert.Equal(20 + 1060, run.GetProperty("context_tokens").GetInt64()); // the last request's input
        var tokens = Events("cc").Where(e => e.Type == "worker_usage").Select(e => long.Parse(e.Message.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture)).Sum();
        Assert.Equal(380 + 1000 + 80, tokens); // one event per read, together the turn's tokens

        // Then kill asks it to leave with /exit, and it does.
        var outcome = _repo.Baton("kill", "cc", "--json").Ok().Json();
        Assert.True(outcome.GetProperty("graceful").GetBoolean(), outcome.ToString());
    }

    private void WriteAskerRole() => File.WriteAllText(Path.Combine(_repo.Dir, ".baton", "roles", "asker.yaml"), """
        name: asker
        description: A test role whose settings allow git add and commit but not writing files
        capacity: 2
        exit_when_done: false
        commit_before_stop: false
        auto_approve: false
        directives: []
        permissions:
          allow: ["Bash(git add:*)", "Bash(git commit:*)"]
          deny: []
          write: ["**"]
          protected_branches: []
        prompt: |
          You are a test worker. Do what the task says.
        """);

    private List<(string Type, string Message)> Events(string worker) =>
        _repo.Baton("events", "recent", "200", "--worker", worker, "--json").Ok().Json().EnumerateArray()
            .Select(e => (e.GetProperty("type").GetString()!, e.GetProperty("message").GetString() ?? ""))
            .ToList();
}
