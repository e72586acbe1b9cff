using Baton.IntegrationTests.Support;
using Baton.IntegrationTests.Support.ModelServer;
using Baton.IntegrationTests.Support.RealAgents;
using Xunit;
using static Baton.IntegrationTests.Dispatch.AutopilotKit;

namespace Baton.IntegrationTests.RealAgents;

/// <summary>
/// The real Claude Code TUI crosses handoff.at under `baton up` (its transcript's last request over
/// the configured window), is asked for its section and writes it with `baton handoff write`; the
/// real Codex TUI takes the ticket over in the same worktree (the role's handoff_to) and finishes it
/// through the gate and the merge. Each CLI talks to a scripted model server of its own.
/// </summary>
public sealed class HandoffRealAgentTests : IDisposable
{
    private readonly TestRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    private const string Section = """{"goal":"finish the relay job","progress_summary":"part1.txt committed, wip.txt written","decisions":["plain text files"],"next_steps":["write final.txt","commit and report done"]}""";

    [Fact]
    public void A_claude_worker_past_handoff_at_writes_its_section_and_a_codex_successor_finishes_the_ticket()
    {
        var worktree = Path.Combine(_repo.Dir, ".baton", "worktrees", "T-1-relay-job");
        using var claudeModel = new ScriptedModelServer([
            ModelStep.WriteFile(Path.Combine(worktree, "part1.txt"), "part one\n", new ModelUsage(200, 20, 0, 0)),
            ModelStep.Run("git add part1.txt && git commit -q -m 'T-1: first part'", new ModelUsage(20, 20, 0, 200)),
            ModelStep.WriteFile(Path.Combine(worktree, "wip.txt"), "written by Claude, not committed\n", new ModelUsage(20, 20, 0, 240)),
            // 1,520 tokens of a 2,000-token window: 76%, past handoff.at (60), below handoff.force (90).
            ModelStep.Say("Part one is done.", new ModelUsage(20, 10, 0, 1500)),
            // Asked for its section, the model answers with Baton's command.
            ModelStep.Run($"baton handoff write H-1 '{Section}'", new ModelUsage(20, 20, 0, 1520)),
            ModelStep.Say("Section written.", new ModelUsage(20, 5, 0, 1560)),
        ]);
        using var codexModel = new ScriptedModelServer([
            ModelStep.WriteFile("final.txt", "finished by Codex\n", new ModelUsage(200, 40, 0, 0)),
            // Codex runs commands in a login shell, whose /etc/profile resets PATH: Baton's shim
            // (.baton/bin, first on the worker's PATH) is not found there, so the model names it.
            ModelStep.Run("git add -A && git commit -q -m 'T-1: finish after the handoff' && baton ticket done T-1 --summary 'finished after the handoff'", new ModelUsage(50, 20, 0, 200)),
            ModelStep.Say("DONE", new ModelUsage(30, 5, 0, 250)),
        ]);
        Configure(_repo);
        File.AppendAllText(Path.Combine(_repo.Dir, ".baton", "config.yaml"), "handoff:\n  at: 60\n  force: 90\n  windows: {claude: 2000}\n");
        RealAgentSetup.WriteClaudeProfile(_repo, claudeModel, RealAgentSetup.ClaudeHome(_repo), tuiArgs: ["--permission-mode", "acceptEdits"]);
        // Codex may write its workspace, the worktree's git folders and Baton's own folder (the store `baton ticket done` writes).
        RealAgentSetup.WriteProfile(_repo, "codex", AgentBinaries.Codex, ["-c", "allow_login_shell=false", "--add-dir", "{git_common_dir}", "--add-dir", "{git_dir}", "--add-dir", Path.Combine(_repo.Dir, ".baton")], null,
            CodexSetup.Environment(_repo, codexModel));
        File.WriteAllText(Path.Combine(_repo.Dir, ".baton", "roles", "relay.yaml"), """
            name: relay
            description: A test role that starts on Claude and hands over to Codex
            agent: claude
            handoff_to: [codex]
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
        var id = Ticket(_repo, "Relay job", "Write part1.txt, then final.txt, and report done.", "--role", "relay");

        using (var loop = _repo.StartBaton("up", "--plain"))
        {
            try
            {
                if (!Eventually(() => Status(_repo, id) is "done" or "failed", 240) || Status(_repo, id) != "done")
                {
                    Assert.Fail($"not done: {Status(_repo, id)}\nhandoffs: {_repo.Baton("handoffs").Stdout}\nevents:\n{string.Join('\n', Events(_repo, ticket: id).Select(e => e.GetProperty("type").GetString() + ": " + e.GetProperty("message").GetString()))}\nclaude:\n{claudeModel.Describe()}\ncodex:\n{codexModel.Describe()}\nlast codex input:\n{Tail(codexModel.Requests.LastOrDefault(r => !r.IsSide)?.Body?["input"]?.ToJsonString())}\nworktree: {_repo.Git("-C", worktree, "log", "--oneline", "-3")} {_repo.Git("-C", worktree, "status", "--short")}");
                }
            }
            finally
            {
                _repo.Baton("down");
                loop.WaitForExit(60_000);
                _repo.Baton("kill-all");
            }
        }

        // bench/handoff-tokens.sh: what each CLI sent its model, request by request.
        if (Environment.GetEnvironmentVariable("BATON_BENCH_OUT") is { Length: > 0 } bench)
        {
            File.WriteAllText(bench, new System.Text.Json.Nodes.JsonObject
            {
                ["predecessor"] = Sizes(claudeModel),
                ["successor"] = Sizes(codexModel),
            }.ToJsonString());
        }

        var h = Assert.Single(_repo.Baton("handoffs", "--json").Ok().Json().EnumerateArray());
        Assert.Equal(("threshold", "agent", "claude", "codex", 76.0), (h.GetProperty("trigger").GetString(), h.GetProperty("source").GetString(),
            h.GetProperty("from_agent").GetString(), h.GetProperty("to_agent").GetString(), h.GetProperty("context_percent").GetDouble()));
        var packet = _repo.Baton("handoff", "show", "H-1", "--json").Ok().Json();
        Assert.Equal("finish the relay job", packet.GetProperty("section").GetProperty("goal").GetString());
        Assert.Contains(packet.GetProperty("record").GetProperty("uncommitted").EnumerateArray(), f => f.GetString() == "wip.txt");
        // Claude may be ended before its last answer: Baton switches as soon as the section is in.
        Assert.True(claudeModel.Requests.Count(r => !r.IsSide) >= 5, claudeModel.Describe());
        Assert.True(codexModel.ScriptDone, codexModel.Describe());
        // Codex was typed the ticket, then the packet with Claude's section.
        Assert.Contains(codexModel.Requests, r => r.Body?.ToJsonString().Contains("finish the relay job", StringComparison.Ordinal) == true);
        _repo.Git("checkout", "-q", "main");
        Assert.Equal("written by Claude, not committed\n", File.ReadAllText(Path.Combine(_repo.Dir, "wip.txt")));
        Assert.Equal("finished by Codex\n", File.ReadAllText(Path.Combine(_repo.Dir, "final.txt")));
        Assert.Equal("part one\n", File.ReadAllText(Path.Combine(_repo.Dir, "part1.txt")));
    }

    /// <summary>Per model request (side requests left out): its script step, the whole body's size and the conversation's (without system prompt and tools).</summary>
    private static System.Text.Json.Nodes.JsonArray Sizes(ScriptedModelServer server) =>
        [.. server.Requests.Where(r => !r.IsSide && r.Body is not null).Select(r => (System.Text.Json.Nodes.JsonNode)new System.Text.Json.Nodes.JsonObject
        {
            ["step"] = r.Step,
            ["chars"] = r.Body!.ToJsonString().Length,
            ["conversation_chars"] = (r.Body["messages"] ?? r.Body["input"])?.ToJsonString().Length ?? 0,
        })];

    private static string Tail(string? text) => text is null ? "" : text.Length > 4000 ? text[^4000..] : text;

    private static bool Eventually(Func<bool> condition, int seconds)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            if (condition())
            {
                return true;
            }

            Thread.Sleep(500);
        }

        return condition();
    }
}
