using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Roles;

/// <summary>The hook spool under concurrent agents, and across reused worker names.</summary>
public sealed class HookSpoolTests : IDisposable
{
    private readonly TestRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    private CliResult Hook(string worker, string hookEvent, string payload) =>
        TestRepo.Run(RepoPaths.Baton[0], [.. RepoPaths.Baton.Skip(1), "hook", hookEvent], _repo.Dir, payload,
            new Dictionary<string, string> { ["BATON_WORKER"] = worker, ["BATON_DB"] = Path.Combine(_repo.Dir, ".baton", "baton.db") },
            TimeSpan.FromSeconds(30));

    [Fact]
    public async Task Hooks_firing_at_once_keep_every_record_whole()
    {
        _repo.Baton("spawn", "--agent", "scripted", "--name", "parallel").Ok();

        var calls = await Task.WhenAll(Enumerable.Range(0, 24).Select(i => Task.Run(() => Hook("parallel", "PreToolUse", $$"""{"tool_name":"Tool{{i}}"}"""))));

        Assert.All(calls, c => Assert.Equal(0, c.ExitCode));
        var lines = File.ReadAllLines(Path.Combine(_repo.Dir, ".baton", "spool", "parallel.jsonl"));
        Assert.Equal(24, lines.Length);
        Assert.All(lines, l => System.Text.Json.JsonDocument.Parse(l));
        _repo.Baton("list").Ok();
        var hooks = _repo.Baton("events", "recent", "100", "--worker", "parallel", "--type", "worker_hook", "--json").Ok().Json();
        Assert.Equal(24, hooks.GetArrayLength());
    }

    [Fact]
    public void A_reused_name_does_not_inherit_the_old_workers_hooks()
    {
        _repo.Baton("spawn", "--agent", "scripted", "--name", "again").Ok();
        Hook("again", "Stop", "{}");
        Assert.Equal("idle", _repo.State("again"));
        _repo.Baton("kill", "again").Ok();

        _repo.Baton("spawn", "--agent", "scripted", "--name", "again", "@sleep 30").Ok();

        Assert.Equal("busy", _repo.State("again"));
        var hookEvents = _repo.Baton("events", "recent", "100", "--worker", "again", "--type", "worker_hook", "--json").Ok().Json();
        Assert.Equal(1, hookEvents.GetArrayLength()); // the first worker's Stop, taken in once, never replayed
    }

    [Fact]
    public void A_ticket_is_not_assigned_to_a_worker_whose_agent_is_gone()
    {
        _repo.Baton("spawn", "--agent", "scripted", "--name", "gone").Ok();
        _repo.Baton("ticket", "create", "work").Ok();
        _repo.Tmux("kill-session", "-t", "=baton-gone"); // behind Baton's back: the store still says idle

        var r = _repo.Baton("ticket", "assign", "T-1", "gone");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("has no running agent", r.Stderr);
        var t = _repo.Baton("ticket", "show", "T-1", "--json").Ok().Json();
        Assert.Equal("open", t.GetProperty("status").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, t.GetProperty("assignee").ValueKind);
    }
}
