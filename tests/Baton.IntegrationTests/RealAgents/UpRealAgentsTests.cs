using Baton.IntegrationTests.Support;
using Baton.IntegrationTests.Support.ModelServer;
using Baton.IntegrationTests.Support.RealAgents;
using Xunit;
using static Baton.IntegrationTests.Dispatch.AutopilotKit;

namespace Baton.IntegrationTests.RealAgents;

/// <summary>
/// `baton up` with real agent CLIs, each against a scripted model of its own: the ticket's worktree,
/// the agent in tmux, the model writing a file, committing and reporting done with `baton ticket
/// done`, the gate (a command that checks the file) and the merge into main. One ticket each for
/// Gemini CLI and OpenCode, and a mixed team (Claude Code, Codex, Gemini CLI, OpenCode, one ticket
/// each) in one run.
/// </summary>
public sealed class UpRealAgentsTests : IDisposable
{
    // Under a private folder: Gemini CLI ignores the hooks' settings file below a folder others can write.
    private readonly TestRepo _repo = new(parent: GeminiSetup.PrivateParent());

    public void Dispose() => _repo.Dispose();

    [Theory]
    [InlineData("gemini")]
    [InlineData("opencode")]
    public void Up_runs_a_ticket_through_the_agent_the_gate_and_the_merge(string agent)
    {
        Configure(_repo, gate: $"commands: [\"test -f {agent}.txt\"]");
        using var server = Team(agent, "T-1", "Write a file", out _);

        var id = Ticket(_repo, "Write a file", $"Write {agent}.txt, commit it and report done.", "--role", agent);
        Assert.Equal("T-1", id);
        RunUntilDone([id], [server]);

        _repo.Git("checkout", "-q", "main");
        Assert.Equal($"written by {agent}\n", File.ReadAllText(Path.Combine(_repo.Dir, $"{agent}.txt")));
        // exit_when_done: Baton ends the agent once the ticket is done, maybe before its last answer.
        Assert.True(server.StepsServed >= 2, server.Describe());
        Assert.Contains(Events(_repo, ticket: id), e => e.GetProperty("type").GetString() == "gate_passed");
    }

    [Fact]
    public void A_mixed_team_of_claude_codex_gemini_and_opencode_finishes_one_ticket_each_in_one_run()
    {
        string[] agents = ["claude", "codex", "gemini", "opencode"];
        Configure(_repo, gate: "commands: [\"git log -1 --format=%s | grep -q ': '\"]");
        var servers = new List<ScriptedModelServer>();
        try
        {
            var ids = new List<string>();
            for (var i = 0; i < agents.Length; i++)
            {
                var title = $"Ticket for {agents[i]}";
                servers.Add(Team(agents[i], $"T-{i + 1}", title, out _));
                ids.Add(Ticket(_repo, title, $"Write {agents[i]}.txt, commit it and report done.", "--role", agents[i]));
            }

            Assert.Equal(["T-1", "T-2", "T-3", "T-4"], ids);
            RunUntilDone(ids, servers);

            _repo.Git("checkout", "-q", "main");
            foreach (var agent in agents)
            {
                Assert.Equal($"written by {agent}\n", File.ReadAllText(Path.Combine(_repo.Dir, $"{agent}.txt")));
            }

            Assert.All(servers, s => Assert.True(s.StepsServed >= 2, s.Describe()));
            // Each ticket was worked by the agent its role names.
            var spawned = Events(_repo, type: "worker_spawned").Select(e => e.GetProperty("message").GetString()!).ToList();
            foreach (var agent in agents)
            {
                Assert.Contains(spawned, m => m.StartsWith(agent + " in ", StringComparison.Ordinal));
            }
        }
        finally
        {
            servers.ForEach(s => s.Dispose());
        }
    }

    private void RunUntilDone(IReadOnlyList<string> ids, IReadOnlyList<ScriptedModelServer> servers)
    {
        using var loop = _repo.StartBaton("up", "--plain");
        try
        {
            // A failed ticket ends the wait: nothing retries it. Below the suite's 5-minute hang
            // timeout, so a stuck run fails with its events instead of aborting the whole test host.
            if (!Eventually(() => ids.Select(id => Status(_repo, id)).ToList() is var all && (all.All(s => s == "done") || all.Contains("failed")), 240)
                || ids.Any(id => Status(_repo, id) != "done"))
            {
                Assert.Fail($"not done: {string.Join(", ", ids.Select(id => id + "=" + Status(_repo, id)))}\nevents:\n"
                    + string.Join('\n', Events(_repo).TakeLast(80).Select(e => e.GetProperty("type").GetString() + ": " + e.GetProperty("message").GetString()))
                    + "\nservers:\n" + string.Join("\n--\n", servers.Select(s => s.Describe())));
            }
        }
        finally
        {
            _repo.Baton("down");
            loop.WaitForExit(60_000);
            _repo.Baton("kill-all");
        }
    }

    /// <summary>The agent's profile (pinned binary, scripted server), a role that runs on it, and the model's script for its ticket.</summary>
    private ScriptedModelServer Team(string agent, string id, string title, out string worktree)
    {
        worktree = Path.Combine(_repo.Dir, ".baton", "worktrees", $"{id}-{Baton.Core.Dispatch.BranchName.Slug(title)}");
        // Claude Code and OpenCode write absolute paths; Codex patches and Gemini CLI writes relative to the worktree.
        var path = agent is "claude" or "opencode" ? Path.Combine(worktree, $"{agent}.txt") : $"{agent}.txt";
        var server = new ScriptedModelServer([
            ModelStep.WriteFile(path, $"written by {agent}\n", new ModelUsage(200, 40, 0, 0)),
            ModelStep.Run($"git add {agent}.txt && git commit -q -m '{id}: {agent}.txt' && baton ticket done {id} --summary '{agent}.txt written'", new ModelUsage(50, 20, 0, 200)),
            ModelStep.Say("DONE", new ModelUsage(30, 5, 0, 250)),
        ]);
        var baton = Path.Combine(_repo.Dir, ".baton");
        switch (agent)
        {
            case "claude":
                RealAgentSetup.WriteClaudeProfile(_repo, server, RealAgentSetup.ClaudeHome(_repo), tuiArgs: ["--permission-mode", "acceptEdits"]);
                break;
            case "codex":
                // Codex may write its workspace, the worktree's git folders and Baton's own folder (the store `baton ticket done` writes).
                RealAgentSetup.WriteProfile(_repo, "codex", AgentBinaries.Codex, ["-c", "allow_login_shell=false", "--add-dir", "{git_common_dir}", "--add-dir", "{git_dir}", "--add-dir", baton], null,
                    CodexSetup.Environment(_repo, server));
                break;
            case "gemini":
                RealAgentSetup.WriteProfile(_repo, "gemini", AgentBinaries.Gemini, null, null, GeminiSetup.Environment(_repo, server));
                break;
            default:
                RealAgentSetup.WriteProfile(_repo, "opencode", AgentBinaries.OpenCode, null, null, OpenCodeSetup.Environment(_repo, server));
                break;
        }

        // auto_approve: Gemini CLI asks before every write and command in its TUI; the profile's approve keys answer.
        File.WriteAllText(Path.Combine(baton, "roles", agent + ".yaml"), $"""
            name: {agent}
            description: A test role that runs on {agent}
            agent: {agent}
            capacity: 2
            exit_when_done: true
            commit_before_stop: false
            auto_approve: true
            directives: []
            permissions:
              allow: ["Bash(git add:*)", "Bash(git commit:*)", "Bash(baton:*)"]
              deny: []
              write: ["**"]
              protected_branches: []
            prompt: |
              You are a test worker. Do what the task says.
            """);
        return server;
    }

    private static bool Eventually(Func<bool> condition, int seconds)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            if (condition())
            {
                return true;
            }

            Thread.Sleep(1000);
        }

        return condition();
    }
}
