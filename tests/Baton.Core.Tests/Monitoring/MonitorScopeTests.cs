using Baton.Core.Monitoring;
using Baton.Core.Security;
using Baton.Core.Tests.Fakes;
using Baton.Core.Workers;
using Baton.Infrastructure.Agents;
using Baton.Infrastructure.Workers;
using Xunit;

namespace Baton.Core.Tests.Monitoring;

/// <summary>A node's monitor looks at its own agents only: another node's run in a tmux server this one cannot see.</summary>
public sealed class MonitorScopeTests : IDisposable
{
    private readonly AutopilotRig _rig = new();

    public void Dispose() => _rig.Dispose();

    private WorkerMonitor Monitor() => new(_rig.Store, socket => new FakeTmux(_rig.Time, socket), new AgentProfiles(null),
        new HeadlessHost(_rig.Runner, ["baton"]), _rig.Time, new HookSpool(_rig.Paths), new Redactor([]));

    [Fact]
    public void A_monitor_told_whose_workers_to_look_at_leaves_the_others_as_they_are()
    {
        // Neither session is in this machine's tmux: this node's agent died, the other node's runs elsewhere.
        _rig.AddWorker("mine", WorkerState.Busy);
        _rig.AddWorker("theirs", WorkerState.Busy);
        _rig.Advance(TimeSpan.FromMinutes(1));

        var views = Monitor().Refresh(only: w => w.Name == "mine");

        Assert.Equal(["mine"], views.Select(v => v.Worker.Name));
        Assert.False(_rig.Store.GetWorker("mine")!.State.IsLive());
        Assert.Equal(WorkerState.Busy, _rig.Store.GetWorker("theirs")!.State);
    }

    [Fact]
    public void Without_a_scope_the_monitor_judges_every_worker_in_the_store()
    {
        _rig.AddWorker("mine", WorkerState.Busy);
        _rig.AddWorker("theirs", WorkerState.Busy);
        _rig.Advance(TimeSpan.FromMinutes(1));

        Monitor().Refresh();

        Assert.False(_rig.Store.GetWorker("theirs")!.State.IsLive());
    }
}
