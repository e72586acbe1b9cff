using Baton.Core.Security;
using Baton.Core.Tests.Fakes;
using Baton.Core.Tickets;
using Baton.Core.Workers;
using Xunit;

namespace Baton.Core.Tests.Tickets;

/// <summary>An agent's `ticket done` counts only from the ticket's current agent.</summary>
public sealed class StaleReportTests : IDisposable
{
    private readonly AutopilotRig _rig = new();

    public void Dispose() => _rig.Dispose();

    private TicketService Service() =>
        new(_rig.Tickets, _rig.Store, _rig.Paths, _rig.Time, new Redactor([]), () => throw new InvalidOperationException("no worker is reached"), _rig.Files);

    [Fact]
    public void An_earlier_attempt_reporting_done_is_refused_and_the_ticket_is_unchanged()
    {
        var ticket = _rig.InProgress("t1-2", attempts: 2);
        _rig.AddWorker("t1-1", WorkerState.Idle, ticket.Number);
        _rig.AddWorker("t1-2", WorkerState.Busy, ticket.Number);

        var e = Assert.Throws<BatonException>(() => Service().Done(ticket.Id, "from the old attempt", [], fromAgent: true, worker: "t1-1"));

        Assert.Contains("t1-1 is no longer T-1's agent (t1-2 is", e.Message, StringComparison.Ordinal);
        Assert.Equal(TicketStatus.InProgress, _rig.Ticket(ticket.Number).Status);
    }

    [Fact]
    public void The_current_agent_and_a_worker_that_never_had_the_ticket_are_heard()
    {
        var first = _rig.InProgress("t1-1");
        var second = _rig.InProgress("t2-1");
        _rig.AddWorker("t1-1", WorkerState.Busy, first.Number);
        _rig.AddWorker("prophet", WorkerState.Busy);

        Assert.Equal(TicketStatus.Testing, Service().Done(first.Id, "done", [], fromAgent: true, worker: "t1-1").Status);
        Assert.Equal(TicketStatus.Testing, Service().Done(second.Id, "closed by the prophet", [], fromAgent: true, worker: "prophet").Status);
    }
}
