using System.Globalization;
using Baton.IntegrationTests.Support;
using Baton.IntegrationTests.Support.ModelServer;
using Baton.IntegrationTests.Support.RealAgents;
using Xunit;
using static Baton.IntegrationTests.Dispatch.AutopilotKit;

namespace Baton.IntegrationTests.RealAgents;

/// <summary>
/// The real Claude Code TUI through `baton up`: the autopilot ends it once its gate passed, while
/// the turn that ran `baton ticket done` may still be going. Its exit command waits for that
/// turn's end, and the usage of the whole run is counted although the monitor never looks at the
/// worker again after the kill.
/// </summary>
public sealed class ClaudeUpTests : IDisposable
{
    private readonly TestRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    [Fact]
    public void A_claude_worker_ended_by_the_autopilot_leaves_after_its_turn_and_none_of_its_usage_is_lost()
    {
        var worktree = Path.Combine(_repo.Dir, ".baton", "worktrees", "T-1-short-job");
        using var server = new ScriptedModelServer([
            ModelStep.WriteFile(Path.Combine(worktree, "short.txt"), "short\n", new ModelUsage(300, 40, 1000, 0)),
            ModelStep.Run("git add short.txt && git commit -q -m 'T-1: short job' && baton ticket done T-1 --summary 'short.txt written'", new ModelUsage(60, 30, 0, 1000)),
            ModelStep.Say("DONE", new ModelUsage(20, 10, 0, 1060)),
        ]);
        Configure(_repo);
        RealAgentSetup.WriteClaudeProfile(_repo, server, RealAgentSetup.ClaudeHome(_repo), tuiArgs: ["--permission-mode", "acceptEdits"]);
        File.WriteAllText(Path.Combine(_repo.Dir, ".baton", "roles", "quick.yaml"), """
            name: quick
            description: A test role on Claude Code
            agent: claude
            capacity: 2
            exit_when_done: true
            commit_before_stop: false
            auto_approve: false
            directives: []
            permissions:
              allow: ["Bash(git add:*)", "Bash(git commit:*)", "Bash(baton:*)"]
              deny: []
              write: ["**"]
              protected_branches: []
            prompt: |
              You are a test worker. Do what the task says.
            """);
        var id = Ticket(_repo, "Short job", "Write short.txt, commit it and report done.", "--role", "quick");

        var up = Up(_repo);

        Assert.True(up.ExitCode == 0, Describe(_repo, up) + "\n" + server.Describe());
        Assert.Equal("done", Status(_repo, id));
        Assert.True(server.ScriptDone, server.Describe());
        var worker = Events(_repo, "task_dispatched", id)[0].GetProperty("worker").GetString()!;

        // The exit command came after the turn's Stop hook had run.
        var exitAsked = Time(Assert.Single(Events(_repo, "worker_exit_requested"), e => e.GetProperty("worker").GetString() == worker));
        var stops = Events(_repo, "worker_hook").Where(e => e.GetProperty("worker").GetString() == worker && e.GetProperty("message").GetString()!.StartsWith("hook: Stop", StringComparison.Ordinal))
            .Select(e => DateTimeOffset.Parse(e.GetProperty("metadata").GetProperty("hook_time").GetString()!, CultureInfo.InvariantCulture)).ToList();
        Assert.NotEmpty(stops);
        Assert.True(stops.Min() <= exitAsked, $"exit typed at {exitAsked:O}, the turn's Stop at {stops.Min():O}");

        // Every token the model reported was counted, once.
        var total = _repo.Baton("usage", "--worker", worker, "--json").Ok().Json().GetProperty("total");
        Assert.Equal(server.ReportedUsage, new ModelUsage(total.GetProperty("input_tokens").GetInt64(), total.GetProperty("output_tokens").GetInt64(),
            total.GetProperty("cache_creation_tokens").GetInt64(), total.GetProperty("cache_read_tokens").GetInt64()));
    }
}
