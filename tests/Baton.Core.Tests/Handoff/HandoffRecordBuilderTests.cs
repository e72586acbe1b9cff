using Baton.Core.Events;
using Baton.Core.Git;
using Baton.Core.Handoff;
using Baton.Core.Merge;
using Baton.Core.Tests.Fakes;
using Baton.Core.Workers;
using Xunit;

namespace Baton.Core.Tests.Handoff;

public sealed class HandoffRecordBuilderTests : IDisposable
{
    private readonly AutopilotRig _rig = new();

    public void Dispose() => _rig.Dispose();

    /// <summary>Git as the builder asks it: the branch's commits since main, their subjects, the merge base, the diff and the status.</summary>
    private sealed class ScriptedGit : IGitHistory, IGitDiffs
    {
        public List<string> Calls { get; } = [];

        public IReadOnlyList<CommitFiles> History(string repo, IReadOnlyList<string> tips, string? exclude)
        {
            Calls.Add($"log {string.Join(' ', tips)} ^{exclude} in {repo}");
            return [new("bbbbbbbbbbbbbbbb", ["aaaa"], ["src/b.cs"]), new("aaaaaaaaaaaaaaaa", ["base"], ["src/a.cs", "README.md"])];
        }

        public IReadOnlyList<(string Sha, string Message)> CommitMessages(string repo, IReadOnlyList<string> revisions, int limit) =>
            [("bbbbbbbbbbbbbbbb", "Second step\n\nbody"), ("aaaaaaaaaaaaaaaa", "First step")];

        public string? CommonAncestor(string repo, IReadOnlyList<string> commits)
        {
            Calls.Add($"merge-base {string.Join(' ', commits)}");
            return "base";
        }

        public IReadOnlyList<DiffStatLine> DiffStat(string dir, string baseRevision)
        {
            Calls.Add($"diff {baseRevision}");
            return [new("src/a.cs", 10, 2), new("src/c.cs", 3, 0), new("logo.png", null, null)];
        }

        public IReadOnlyList<string> Uncommitted(string dir) => ["src/c.cs", "notes.txt"];

        public int CommitsAhead(string dir, string baseRevision, string revision) => throw new NotSupportedException();

        public MergeState MergeState(string repo, string branch, string target) => throw new NotSupportedException();

        public bool IsAncestor(string repo, string ancestor, string descendant) => throw new NotSupportedException();
    }

    [Fact]
    public void The_record_holds_commits_diff_files_gates_last_messages_and_open_questions_without_the_agent()
    {
        // Given a ticket in progress with two commits, uncommitted work, a failed gate, a notice and a transcript
        var ticket = _rig.InProgress("t1-1");
        _rig.Files.CreateDirectory(ticket.Worktree!);
        var transcript = Path.Combine(_rig.Root, "transcript.jsonl");
        _rig.Files.WriteText(transcript, """
            {"type":"assistant","message":{"content":[{"type":"text","text":"I wrote a.cs"}]}}
            {"type":"assistant","message":{"content":[{"type":"text","text":"Now c.cs"}]}}

            """);
        var worker = _rig.AddWorker("t1-1", WorkerState.Waiting, ticket.Number) with { Transcript = transcript, Evidence = "screen: Do you want to proceed?" };
        var run = _rig.Db.Merges.AddGateRun(new GateRun { Ticket = ticket.Number, Kind = "worktree", Status = "running", StartedAt = _rig.Time.GetUtcNow() });
        _rig.Db.Merges.FinishGateRun(run with { Status = "failed", Passed = 3, Failed = 1, Output = "FAIL LoginTests", FinishedAt = _rig.Time.GetUtcNow() });
        _rig.Store.AppendEvent(new EventRecord { Time = _rig.Time.GetUtcNow(), Type = EventTypes.Notification, Ticket = ticket.Id, Message = "T-1 asks: which database?" });
        var git = new ScriptedGit();

        // When Baton builds its record
        var record = new HandoffRecordBuilder(git, git, _rig.Db.Merges, _rig.Store, _rig.Files).Build(ticket, worker);

        // Then everything came from git, the store and the transcript
        Assert.Equal([$"log HEAD ^main in {ticket.Worktree}", "merge-base main HEAD", "diff base"], git.Calls);
        Assert.Equal([("bbbbbbbbbbbbbbbb", "Second step"), ("aaaaaaaaaaaaaaaa", "First step")], record.Commits.Select(c => (c.Sha, c.Subject)));
        Assert.Equal(3, record.DiffStat.Count);
        Assert.Equal(["README.md", "logo.png", "notes.txt", "src/a.cs", "src/b.cs", "src/c.cs"], record.FilesTouched);
        Assert.Equal(["src/c.cs", "notes.txt"], record.Uncommitted);
        var gate = Assert.Single(record.Gates);
        Assert.Equal(("failed", 3, 1, "FAIL LoginTests"), (gate.Status, gate.Passed, gate.Failed, gate.Output));
        Assert.Equal(["I wrote a.cs", "Now c.cs"], record.LastMessages);
        Assert.Equal(["T-1 asks: which database?", "the agent was waiting for an answer: screen: Do you want to proceed?"], record.OpenQuestions);
        Assert.Equal((ticket.Branch, "main"), (record.Branch, record.Target));
    }

    [Fact]
    public void A_missing_worktree_and_transcript_give_an_empty_record_not_an_error()
    {
        var ticket = _rig.InProgress("t1-1");
        var worker = _rig.AddWorker("t1-1", WorkerState.Busy, ticket.Number);
        var git = new ScriptedGit();

        var record = new HandoffRecordBuilder(git, git, _rig.Db.Merges, _rig.Store, _rig.Files).Build(ticket, worker);

        Assert.Empty(git.Calls);
        Assert.Empty(record.Commits);
        Assert.Empty(record.FilesTouched);
        Assert.Empty(record.LastMessages);
    }

    [Fact]
    public void A_packet_uses_a_valid_section_and_says_why_it_ignored_an_invalid_one()
    {
        var ticket = _rig.InProgress("t1-1");
        var worker = _rig.AddWorker("t1-1", WorkerState.Idle, ticket.Number);
        var now = _rig.Time.GetUtcNow();

        var good = PacketAssembly.Make(ticket, worker, "codex", "context at 61%", 61.2, """{"goal":"g","progress_summary":"p","next_steps":["n"]}""", new HandoffRecord(), now);
        var bad = PacketAssembly.Make(ticket, worker, "codex", "context at 61%", 61.2, """{"goal":"g"}""", new HandoffRecord(), now);
        var forced = PacketAssembly.Make(ticket, worker, "codex", "forced", 85, null, new HandoffRecord(), now);

        Assert.Equal(("agent", "g"), (good.Source, good.Section!.Goal));
        Assert.Equal(("record", null), (bad.Source, bad.Section));
        Assert.Equal(["$.progress_summary: required", "$.next_steps: required"], bad.SectionErrors);
        Assert.Equal("record", forced.Source);
        Assert.Equal(good, HandoffJson.Read(HandoffJson.Write(good)) with { Section = good.Section, SectionErrors = good.SectionErrors, Record = good.Record });
        var text = HandoffText.Render(good, ".baton/handoff/H-1.json");
        Assert.Contains("# Handoff: you take T-1 over from t1-1 (scripted) at 61% of its context", text, StringComparison.Ordinal);
        Assert.Contains("Next steps:\n- n\n", text, StringComparison.Ordinal);
    }
}
