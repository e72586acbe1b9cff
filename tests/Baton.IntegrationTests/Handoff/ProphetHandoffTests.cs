using Baton.IntegrationTests.Support;
using Xunit;
using static Baton.IntegrationTests.Dispatch.AutopilotKit;

namespace Baton.IntegrationTests.Handoff;

/// <summary>
/// The prophet (no ticket) hands itself over, by hand and when its context fills under `baton up`:
/// a handoff row without a ticket, and a fresh prophet in the same session typed the packet and
/// told it now owns the orchestration. Scripted agent, real tmux, git and SQLite.
/// </summary>
public sealed class ProphetHandoffTests
{
    [Fact]
    public void Baton_handoff_prophet_starts_a_fresh_prophet_that_owns_the_orchestration()
    {
        using var repo = new TestRepo();
        Configure(repo);
        repo.Baton("prophet", "--agent", "scripted", "@sleep 600").Ok();
        var before = repo.Baton("list", "--json").Ok().Json().EnumerateArray().Single(w => w.GetProperty("name").GetString() == "prophet");

        var h = repo.Baton("handoff", "prophet", "--now", "--reason", "the test says so", "--json").Ok().Json();

        Assert.Equal(("done", "record", "prophet", "prophet", "scripted"), (h.GetProperty("status").GetString(), h.GetProperty("source").GetString(),
            h.GetProperty("from_worker").GetString(), h.GetProperty("to_worker").GetString(), h.GetProperty("to_agent").GetString()));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, h.GetProperty("ticket").ValueKind);
        var after = repo.Baton("list", "--json").Ok().Json().EnumerateArray().Single(w => w.GetProperty("name").GetString() == "prophet");
        Assert.Equal(before.GetProperty("session").GetString(), after.GetProperty("session").GetString());
        Assert.NotEqual(before.GetProperty("created_at").GetString(), after.GetProperty("created_at").GetString());
        TestRepo.WaitUntil(() => repo.Baton("capture", "prophet", "--lines", "60").Ok().Stdout.Contains("You now own the orchestration", StringComparison.Ordinal), "the new prophet typed its packet", 30);
        var packet = repo.Baton("handoff", "show", "H-1", "--json").Ok().Json();
        Assert.Equal(("prophet", "the test says so"), (packet.GetProperty("ticket").GetString(), packet.GetProperty("reason").GetString()));
        Assert.Contains("prophet (scripted) -> prophet (scripted)", repo.Baton("handoffs").Ok().Stdout, StringComparison.Ordinal);
        repo.Baton("kill", "prophet").Ok();
    }

    [Fact]
    public void A_prophet_past_handoff_force_under_baton_up_is_handed_over_once()
    {
        using var repo = new TestRepo();
        Configure(repo);
        File.AppendAllText(Path.Combine(repo.Dir, ".baton", "config.yaml"), "handoff:\n  at: 60\n  force: 90\n  windows: {scripted: 1000}\n");
        var transcript = Path.Combine(repo.Dir, ".baton", "prophet-transcript.jsonl");
        var usage = "{\"type\":\"assistant\",\"message\":{\"id\":\"m1\",\"model\":\"claude-opus-5-5\",\"usage\":{\"input_tokens\":950,\"output_tokens\":5}}}";
        repo.Baton("prophet", "--agent", "scripted", $$"""
            @write {{transcript}} {{usage}}
            @run echo '{"hook_event_name":"Stop","transcript_path":"{{transcript}}"}' | baton hook Stop
            @sleep 600
            """).Ok();

        using (var loop = repo.StartBaton("up", "--plain"))
        {
            try
            {
                TestRepo.WaitUntil(() => repo.Baton("handoffs", "--json").Ok().Json().EnumerateArray().Any(r => r.GetProperty("status").GetString() == "done"), "the prophet handed over", 90);
                // The fresh prophet's own run has no fill yet: it is not handed over again.
                Thread.Sleep(3000);
            }
            finally
            {
                repo.Baton("down");
                loop.WaitForExit(30_000);
            }
        }

        var h = Assert.Single(repo.Baton("handoffs", "--json").Ok().Json().EnumerateArray());
        Assert.Equal(("force", "record", 95.0), (h.GetProperty("trigger").GetString(), h.GetProperty("source").GetString(), h.GetProperty("context_percent").GetDouble()));
        Assert.Contains("You now own the orchestration", repo.Baton("capture", "prophet", "--lines", "60").Ok().Stdout, StringComparison.Ordinal);
        repo.Baton("kill", "prophet").Ok();
    }
}
