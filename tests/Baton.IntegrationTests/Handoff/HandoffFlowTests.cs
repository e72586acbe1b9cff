using Baton.IntegrationTests.Dispatch;
using Baton.IntegrationTests.Support;
using Xunit;
using static Baton.IntegrationTests.Dispatch.AutopilotKit;

namespace Baton.IntegrationTests.Handoff;

/// <summary>
/// `baton handoff` with the scripted agent, real tmux, git and SQLite, while `baton up` runs: the
/// ticket moves to a fresh agent in the same worktree, uncommitted files survive byte for byte,
/// and the successor finishes the ticket through the gate and the merge.
/// </summary>
public sealed class HandoffFlowTests
{
    private const string Body = """
        @once @write part1.txt first part
        @once @commit T-1: first part
        @once @write wip.txt written but not committed by the first agent
        @once @sleep 600
        @write final.txt finished by the successor
        @commit T-1: finish after the handoff
        @run baton ticket done T-1 --summary "done after a handoff"
        """;

    [Fact]
    public void A_forced_handoff_keeps_uncommitted_files_and_the_successor_finishes_through_gate_and_merge()
    {
        using var repo = new TestRepo();
        Configure(repo);
        var id = Ticket(repo, "Long job", Body);
        var binary = new byte[4096];
        new Random(7).NextBytes(binary);

        using (var loop = repo.StartBaton("up", "--plain"))
        {
            try
            {
                TestRepo.WaitUntil(() => Show(repo, id).TryGetProperty("worktree", out var w) && w.GetString() is { } dir && File.Exists(Path.Combine(dir, "wip.txt")), "the first agent's uncommitted file", 60);
                var worktree = Show(repo, id).GetProperty("worktree").GetString()!;
                File.WriteAllBytes(Path.Combine(worktree, "data.bin"), binary);
                var wip = File.ReadAllBytes(Path.Combine(worktree, "wip.txt"));

                var handoff = repo.Baton("handoff", "t1-1", "--now", "--to", "scripted", "--reason", "the test says so", "--json").Ok().Json();

                // The files are where the first agent left them, byte for byte, and also in the snapshot ref.
                Assert.Equal(binary, File.ReadAllBytes(Path.Combine(worktree, "data.bin")));
                Assert.Equal(wip, File.ReadAllBytes(Path.Combine(worktree, "wip.txt")));
                Assert.Equal(("done", "record", "t1-1-h1", "scripted"), (handoff.GetProperty("status").GetString(), handoff.GetProperty("source").GetString(), handoff.GetProperty("to_worker").GetString(), handoff.GetProperty("to_agent").GetString()));
                var snapshot = handoff.GetProperty("wip_ref").GetString()!;
                Assert.StartsWith("refs/baton/wip/T-1/", snapshot, StringComparison.Ordinal);
                Assert.Contains("data.bin", repo.Git("ls-tree", "--name-only", snapshot), StringComparison.Ordinal);
                Assert.Equal("t1-1-h1", Show(repo, id).GetProperty("assignee").GetString());

                TestRepo.WaitUntil(() => Status(repo, id) == "done", "the successor to finish the ticket", 120);
            }
            finally
            {
                repo.Baton("down");
                loop.WaitForExit(30_000);
            }
        }

        // Merged: the successor's commit carries the first agent's uncommitted files with it.
        repo.Git("checkout", "-q", "main");
        Assert.Equal(binary, File.ReadAllBytes(Path.Combine(repo.Dir, "data.bin")));
        Assert.Equal("written but not committed by the first agent\n", File.ReadAllText(Path.Combine(repo.Dir, "wip.txt")));
        Assert.Equal("finished by the successor\n", File.ReadAllText(Path.Combine(repo.Dir, "final.txt")));
        Assert.Single(repo.Git("log", "main", "--format=%s").Split('\n'), l => l == "T-1: first part");

        var chain = Assert.Single(repo.Baton("handoffs", "--ticket", id, "--json").Ok().Json().EnumerateArray());
        Assert.Equal(("H-1", "t1-1", "t1-1-h1", "the test says so", "command"), (chain.GetProperty("id").GetString(), chain.GetProperty("from_worker").GetString(), chain.GetProperty("to_worker").GetString(), chain.GetProperty("reason").GetString(), chain.GetProperty("trigger").GetString()));
        var packet = repo.Baton("handoff", "show", "H-1", "--json").Ok().Json();
        var record = packet.GetProperty("record");
        Assert.Contains(record.GetProperty("commits").EnumerateArray(), c => c.GetProperty("subject").GetString() == "T-1: first part");
        Assert.Contains(record.GetProperty("uncommitted").EnumerateArray(), f => f.GetString() == "data.bin");
        Assert.Contains("no section", packet.GetProperty("section_errors")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("## Baton's record", repo.Baton("handoff", "show", "H-1").Ok().Stdout, StringComparison.Ordinal);
        var e = Assert.Single(Events(repo, "handoff", id));
        Assert.Equal(("t1-1", "t1-1-h1"), (e.GetProperty("metadata").GetProperty("from_worker").GetString(), e.GetProperty("metadata").GetProperty("to_worker").GetString()));
        // The successor was given the ticket and the packet; no retry, no second dispatch.
        Assert.Single(Events(repo, "task_dispatched", id));
        Assert.Empty(Events(repo, "task_retry_scheduled", id));
    }

    [Fact]
    public void A_worker_past_handoff_at_is_asked_writes_its_section_and_the_successor_finishes_the_ticket()
    {
        using var repo = new TestRepo();
        Configure(repo);
        File.AppendAllText(Path.Combine(repo.Dir, ".baton", "config.yaml"), "handoff:\n  at: 60\n  force: 90\n  windows: {scripted: 1000}\n");
        var transcript = Path.Combine(repo.Dir, ".baton", "test-transcript.jsonl");
        // The first agent's "model" reports a 700-token request (70% of 1000) at a turn's end, then
        // answers the request for its section; the successor skips what ran once and finishes.
        var usage = "{\"type\":\"assistant\",\"message\":{\"id\":\"m1\",\"model\":\"claude-opus-5-5\",\"usage\":{\"input_tokens\":700,\"output_tokens\":5}}}";
        var section = "{\"goal\":\"finish the long job\",\"progress_summary\":\"part 1 committed\",\"decisions\":[\"plain text files\"],\"next_steps\":[\"write final.txt\"]}";
        var id = Ticket(repo, "Long job", $$"""
            @once @write part1.txt first part
            @once @commit T-1: first part
            @once @write {{transcript}} {{usage}}
            @once @run echo '{"hook_event_name":"Stop","transcript_path":"{{transcript}}"}' | baton hook Stop
            @once @next
            @once @run printf '%s' '{{section}}' | baton handoff write H-1
            @once @sleep 600
            @write final.txt finished by the successor
            @commit T-1: finish after the handoff
            @run baton ticket done T-1 --summary "done after a handoff"
            """);

        UpUntilDone(repo, id);

        var h = Assert.Single(repo.Baton("handoffs", "--json").Ok().Json().EnumerateArray());
        Assert.Equal(("threshold", "agent", "done", 70.0), (h.GetProperty("trigger").GetString(), h.GetProperty("source").GetString(), h.GetProperty("status").GetString(), h.GetProperty("context_percent").GetDouble()));
        Assert.Equal(("t1-1", "t1-1-h1"), (h.GetProperty("from_worker").GetString(), h.GetProperty("to_worker").GetString()));
        var packet = repo.Baton("handoff", "show", "H-1", "--json").Ok().Json();
        Assert.Equal("finish the long job", packet.GetProperty("section").GetProperty("goal").GetString());
        Assert.Single(Events(repo, "handoff_asked", id));
        repo.Git("checkout", "-q", "main");
        Assert.Equal("finished by the successor\n", File.ReadAllText(Path.Combine(repo.Dir, "final.txt")));
    }

    [Fact]
    public void A_precompact_hook_hands_the_ticket_over_at_once_instead_of_a_compaction()
    {
        using var repo = new TestRepo();
        Configure(repo);
        var id = Ticket(repo, "Compacting job", """
            @once @write wip.txt written before the compaction
            @once @run echo '{"hook_event_name":"PreCompact","trigger":"auto"}' | baton hook PreCompact
            @once @sleep 600
            @write final.txt finished by the successor
            @commit T-1: finish after the handoff
            @run baton ticket done T-1 --summary "done after a handoff"
            """);

        UpUntilDone(repo, id);

        var h = Assert.Single(repo.Baton("handoffs", "--json").Ok().Json().EnumerateArray());
        Assert.Equal(("precompact", "record", "done"), (h.GetProperty("trigger").GetString(), h.GetProperty("source").GetString(), h.GetProperty("status").GetString()));
        Assert.Empty(Events(repo, "handoff_asked", id));
        repo.Git("checkout", "-q", "main");
        Assert.Equal("written before the compaction\n", File.ReadAllText(Path.Combine(repo.Dir, "wip.txt")));
    }

    [Fact]
    public void A_handoff_is_refused_for_a_worker_without_a_ticket_and_an_unknown_handoff_for_show()
    {
        using var repo = new TestRepo();
        repo.Baton("spawn", "--agent", "scripted", "--name", "solo", "@sleep 30").Ok();

        var refused = repo.Baton("handoff", "solo", "--now");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("solo works on no ticket", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("no handoff 'H-9'", repo.Baton("handoff", "show", "H-9").Stderr, StringComparison.Ordinal);
        Assert.Equal("No handoffs.", repo.Baton("handoffs").Ok().Stdout.Trim());
        repo.Baton("kill", "solo").Ok();
    }

    /// <summary>Runs `baton up` until the ticket is done (the handoff and the successor's finish), then stops it.</summary>
    private static void UpUntilDone(TestRepo repo, string id)
    {
        using var loop = repo.StartBaton("up", "--plain");
        try
        {
            TestRepo.WaitUntil(() => Status(repo, id) == "done", "the handoff and the successor's finish", 120);
        }
        finally
        {
            repo.Baton("down");
            loop.WaitForExit(30_000);
        }
    }
}
