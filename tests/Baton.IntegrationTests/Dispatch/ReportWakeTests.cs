using Baton.Core.Config;
using Baton.Core.Dispatch;
using Baton.Infrastructure.Dispatch;
using Baton.Infrastructure.Storage.Sqlite;
using Baton.IntegrationTests.Support;
using Xunit;
using static Baton.IntegrationTests.Dispatch.AutopilotKit;

namespace Baton.IntegrationTests.Dispatch;

/// <summary>
/// Issue 21: the loop reacts to an agent's report (a hook call, `baton ticket done`) without
/// waiting for its tick. The tick here is a minute, longer than the whole run: whatever happens
/// between two reports happens because a report woke the loop. Asserted on the order of events.
/// </summary>
public sealed class ReportWakeTests
{
    private static readonly TimeSpan Safety = TimeSpan.FromSeconds(30); // a missed wake fails the test; it never decides it

    [Fact]
    public void With_a_minute_long_tick_a_hook_call_and_ticket_done_each_move_the_loop_at_once()
    {
        using var repo = new TestRepo();
        Configure(repo, autopilot: "tick: 1m");
        File.AppendAllText(Path.Combine(repo.Dir, ".baton", "config.yaml"), "conflicts:\n  enabled: false\n"); // no background scan to wake it instead
        // The agent waits until its own start has settled, calls a hook, and reports done only
        // seconds later: the hook is taken in before the report only if the hook woke the loop.
        var id = Ticket(repo, "Wake up", Work("T-1", "w.txt", "woken",
            "@sleep 1.5\n@run echo '{\"tool_name\":\"Bash\"}' | baton hook PostToolUse\n@sleep 3"));

        var up = Up(repo);

        Assert.True(up.ExitCode == 0, Describe(repo, up));
        Assert.Equal("done", Status(repo, id));
        var hook = Events(repo, "worker_hook", id).Single(e => e.GetProperty("message").GetString()!.Contains("PostToolUse", StringComparison.Ordinal));
        var reported = Assert.Single(Events(repo, "task_reported_done", id));
        var gate = Assert.Single(Events(repo, "gate_started", id));
        var merged = Assert.Single(Events(repo, "merged", id));
        Assert.True(Time(hook) < Time(reported), "the hook call woke the loop, which took it in before the report\n" + Describe(repo, up));
        Assert.True(Time(reported) <= Time(gate) && Time(gate) <= Time(merged), Describe(repo, up));
    }

    [Fact]
    public async Task The_file_wake_fires_on_a_hook_spooled_and_on_another_connections_write()
    {
        using var repo = new TestRepo();
        var paths = BatonPaths.ForRoot(repo.Dir);
        using var store = SqliteStore.Open(paths.Database, create: false, TimeSpan.FromSeconds(5));
        using var wake = FileWake.TryStart(paths);
        Assert.NotNull(wake);

        // The store write first: one append to a spool file fires several events (created,
        // changed), and one arriving late was once counted after the snapshot taken here.
        var hooks = wake.Mark;
        repo.Baton("ticket", "create", "written by another process").Ok();
        TestRepo.WaitUntil(() => wake.Mark.Store > hooks.Store, "the store write counted", 30);
        Assert.Equal(hooks.Hooks, wake.Mark.Hooks);

        var before = wake.Mark;
        File.AppendAllText(paths.SpoolFile("w1"), "{\"event\":\"Stop\"}\n");
        await wake.NextAsync(before, CancellationToken.None).WaitAsync(Safety);
        TestRepo.WaitUntil(() => wake.Mark.Hooks > before.Hooks, "the spooled hook counted", 30);
    }
}
