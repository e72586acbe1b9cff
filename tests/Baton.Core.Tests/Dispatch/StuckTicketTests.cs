using Baton.Core.Dispatch;
using Baton.Core.Events;
using Baton.Core.Tests.Fakes;
using Baton.Core.Tickets;
using Baton.Core.Workers;
using Xunit;

namespace Baton.Core.Tests.Dispatch;

/// <summary>
/// A ticket that can never start is said, never waited on silently (issue 18): one meant for a
/// worker that does not exist, one asking for an unknown role or agent; a named worker that
/// exists lends the ticket its role and agent profile.
/// </summary>
public sealed class StuckTicketTests
{
    [Fact]
    public void A_ticket_meant_for_a_worker_that_does_not_exist_is_reported_stuck_with_what_to_do()
    {
        using var rig = new AutopilotRig();
        Open(rig, "For ghost", t => t with { WorkerWanted = "ghost" });
        var report = new TickReport();

        var candidates = Dispatcher(rig).Candidates(rig.Time.GetUtcNow(), report);

        Assert.Empty(candidates);
        var (ticket, reason) = Assert.Single(report.Stuck);
        Assert.Equal("T-1", ticket);
        Assert.Contains("worker 'ghost', which does not exist", reason, StringComparison.Ordinal);
        Assert.Contains("baton ticket assign T-1", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_ticket_meant_for_a_known_worker_runs_with_its_role_and_agent()
    {
        using var rig = new AutopilotRig();
        rig.AddWorker("alice", WorkerState.Exited, role: "implementor");
        Open(rig, "For alice", t => t with { WorkerWanted = "alice" });
        var report = new TickReport();

        var candidate = Assert.Single(Dispatcher(rig).Candidates(rig.Time.GetUtcNow(), report));

        Assert.Equal(("implementor", "scripted"), (candidate.Role, candidate.Agent));
        Assert.Empty(report.Stuck);
    }

    [Theory]
    [InlineData("nosuch-role", null, "nosuch-role")]
    [InlineData(null, "nosuch-agent", "nosuch-agent")]
    public void An_unknown_role_or_agent_is_stuck_not_waiting(string? role, string? agent, string named)
    {
        using var rig = new AutopilotRig();
        Open(rig, "Odd", t => t with { RoleWanted = role, AgentWanted = agent });
        var report = new TickReport();

        Assert.Empty(Dispatcher(rig).Candidates(rig.Time.GetUtcNow(), report));

        Assert.Contains(named, Assert.Single(report.Stuck).Reason, StringComparison.Ordinal);
        Assert.Empty(report.Waiting);
    }

    private static Dispatcher Dispatcher(AutopilotRig rig) =>
        new(rig.Config, "scripted", rig.Time, rig.Tickets, rig.Git, () => rig.Roles, rig.Profiles, rig.Paths, rig.Files) { WorkerNamed = rig.Store.GetWorker };

    private static Ticket Open(AutopilotRig rig, string title, Func<Ticket, Ticket> change)
    {
        var now = rig.Time.GetUtcNow();
        return rig.Tickets.CreateTicket(change(new Ticket { Number = 0, Title = title, Status = TicketStatus.Open, CreatedAt = now, UpdatedAt = now }),
            t => new EventRecord { Time = now, Type = EventTypes.TicketCreated, Ticket = t.Id, Message = "created" });
    }
}
