using Baton.Core.Handoff;
using Baton.Core.Tests.Fakes;
using Baton.Core.Usage;
using Baton.Core.Workers;
using Xunit;

namespace Baton.Core.Tests.Handoff;

public sealed class HandoffWatchTests : IDisposable
{
    private readonly AutopilotRig _rig = new();
    private static readonly HandoffConfig Config = new() { At = 60, Force = 80 };

    public void Dispose() => _rig.Dispose();

    [Theory]
    [InlineData(null, false, null)]
    [InlineData(59.9, false, null)]
    [InlineData(60.0, false, "threshold")]
    [InlineData(79.9, false, "threshold")]
    [InlineData(80.0, false, "force")]
    [InlineData(130.0, false, "force")]
    [InlineData(10.0, true, "precompact")]
    [InlineData(null, true, "precompact")]
    public void The_fill_decides_between_asking_forcing_and_nothing(double? percent, bool compacting, string? trigger) =>
        Assert.Equal(trigger, HandoffWatch.Decide(percent, Config, compacting));

    [Fact]
    public void A_force_at_or_below_at_makes_every_automatic_handoff_forced() =>
        Assert.Equal("force", HandoffWatch.Decide(65, new HandoffConfig { At = 60, Force = 60 }, false));

    private static ContextGauge Gauge(long tokens) => new(tokens, 1000, 1000, "m");

    [Fact]
    public void Only_live_unpaused_assignees_over_the_threshold_not_busy_and_not_handed_over_before_are_due()
    {
        var tickets = Enumerable.Range(1, 6).Select(i => _rig.InProgress($"t{i}-1")).ToList();
        var workers = new Dictionary<string, Worker>(StringComparer.Ordinal)
        {
            ["t1-1"] = _rig.AddWorker("t1-1", WorkerState.Busy, 1),
            ["t2-1"] = _rig.AddWorker("t2-1", WorkerState.Idle, 2),
            ["t3-1"] = _rig.AddWorker("t3-1", WorkerState.Paused, 3),
            ["t4-1"] = _rig.AddWorker("t4-1", WorkerState.Exited, 4),
            ["t5-1"] = _rig.AddWorker("t5-1", WorkerState.Busy, 5),
            ["t6-1"] = _rig.AddWorker("t6-1", WorkerState.Busy, 6),
        };
        var gauges = new Dictionary<string, ContextGauge>(StringComparer.Ordinal)
        {
            ["t1-1"] = Gauge(610), ["t2-1"] = Gauge(850), ["t3-1"] = Gauge(900), ["t4-1"] = Gauge(900), ["t5-1"] = Gauge(700), ["t6-1"] = Gauge(100),
        };
        var earlier = new[] { new HandoffRow { Ticket = 5, FromWorker = "t5-1", FromAgent = "scripted", ToAgent = "scripted", Reason = "r", Trigger = "threshold", Status = "failed", TriggeredAt = _rig.Time.GetUtcNow() } };

        var due = HandoffWatch.Due(tickets, workers, gauges, earlier, new HashSet<string> { "t6-1" }, new HashSet<long> { 99 }, Config);

        Assert.Equal([("t1-1", "threshold"), ("t2-1", "force"), ("t6-1", "precompact")], due.Select(d => (d.Worker.Name, d.Trigger)));
        Assert.Equal(61.0, due[0].Percent);
        Assert.Empty(HandoffWatch.Due(tickets, workers, gauges, [], new HashSet<string>(), new HashSet<long> { 1, 2, 3, 4, 5, 6 }, Config));
    }
}
