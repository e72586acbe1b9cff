using Baton.Core.Agents;
using Baton.Core.Config;
using Baton.Core.Dispatch;
using Baton.Core.Events;
using Baton.Core.Roles;
using Baton.Core.Tests.Fakes;
using Baton.Core.Tickets;
using Xunit;

namespace Baton.Core.Tests.Dispatch;

/// <summary>Tickets asking for a speciality (label speciality:NAME) go to the roles and profiles that declare it; max_tasks bounds the tickets each takes at once.</summary>
public sealed class SpecialityDispatchTests
{
    /// <summary>The built-in profiles plus copies of the scripted one under other names, with specialities and max_tasks.</summary>
    private sealed class Profiles(IAgentProfiles builtIn, params AgentProfile[] extra) : IAgentProfiles
    {
        public AgentProfile Get(string name) => extra.FirstOrDefault(p => p.Name == name) ?? builtIn.Get(name);

        public IReadOnlyList<string> Names() => [.. builtIn.Names().Concat(extra.Select(p => p.Name)).Distinct(StringComparer.Ordinal)];
    }

    private static Ticket Open(AutopilotRig rig, string title, params string[] labels)
    {
        var now = rig.Time.GetUtcNow();
        return rig.Tickets.CreateTicket(new Ticket { Number = 0, Title = title, Status = TicketStatus.Open, Labels = labels, CreatedAt = now, UpdatedAt = now },
            t => new EventRecord { Time = now, Type = EventTypes.TicketCreated, Ticket = t.Id, Message = "created" });
    }

    private static (AutopilotRig Rig, Dispatcher Dispatcher) Setup(AutopilotConfig? config = null, params AgentProfile[] profiles)
    {
        var rig = new AutopilotRig { Config = config ?? new AutopilotConfig { MaxWorkers = 10, SpawnBurst = 10 } };
        rig.Git.Checkout = "main";
        var worker = rig.Roles.GetRole("worker");
        rig.Roles.Extra["reviewer"] = worker with { Name = "reviewer", Specialities = ["review"], Agent = "rev-a", MaxTasks = 1 };
        var scripted = rig.Profiles.Get("scripted");
        var all = new Profiles(rig.Profiles, [.. profiles, scripted with { Name = "rev-a", Specialities = ["review"] }]);
        return (rig, new Dispatcher(rig.Config, "scripted", rig.Time, rig.Tickets, rig.Git, () => rig.Roles, all, rig.Paths, rig.Files));
    }

    [Fact]
    public void A_ticket_asking_for_a_speciality_runs_with_the_role_that_declares_it_and_others_with_the_default_role()
    {
        var (rig, dispatcher) = Setup();
        using var _ = rig;
        Open(rig, "Review the parser", "speciality:Review");
        Open(rig, "Write the parser");

        var candidates = dispatcher.Candidates(rig.Time.GetUtcNow(), new TickReport());

        Assert.Equal([("reviewer", "rev-a"), ("worker", "scripted")], candidates.Select(c => (c.Role, c.Agent)));
        Assert.Equal("review", Specialities.Wanted(candidates[0].Ticket));
    }

    [Fact]
    public void A_busy_specialist_does_not_keep_the_ticket_from_another_free_one_and_max_tasks_counts_tickets_only()
    {
        // Given a second review profile, and the reviewer role taking one ticket at once per profile limit
        var (rig, dispatcher) = Setup(null, ScriptedAs("rev-b", ["review"], maxTasks: 1));
        using var _ = rig;
        for (var i = 1; i <= 3; i++)
        {
            Open(rig, $"Review part {i}", "speciality:review");
        }

        rig.Roles.Extra["reviewer"] = rig.Roles.GetRole("reviewer") with { MaxTasks = null, Agent = null };
        var candidates = dispatcher.Candidates(rig.Time.GetUtcNow(), new TickReport());
        var limits = dispatcher.Limits(10, new Dictionary<string, string>());

        // When rev-a already works on a ticket, and an agent of rev-b is live without one
        var plan = DispatchPlanner.Plan(candidates, [("reviewer", "rev-a"), (null, "rev-b")], limits with { AgentMaxTasks = new Dictionary<string, int> { ["rev-a"] = 1, ["rev-b"] = 1 } },
            tasks: [("reviewer", "rev-a")]);

        // Then the first review goes to rev-b (its idle agent is no task), the others wait for a free specialist
        var started = Assert.Single(plan.Start);
        Assert.Equal(("Review part 1", "reviewer", "rev-b"), (started.Ticket.Title, started.Role, started.Agent));
        Assert.Equal(["agent rev-a has its max_tasks of 1 tickets in progress", "agent rev-a has its max_tasks of 1 tickets in progress"], plan.Waiting.Select(w => w.Reason));
    }

    [Fact]
    public void A_roles_max_tasks_holds_its_tickets_back_while_a_ticket_for_another_role_starts()
    {
        var (rig, dispatcher) = Setup();
        using var _ = rig;
        Open(rig, "Review A", "speciality:review");
        Open(rig, "Review B", "speciality:review");
        Open(rig, "Implement C");

        var plan = DispatchPlanner.Plan(dispatcher.Candidates(rig.Time.GetUtcNow(), new TickReport()), [], dispatcher.Limits(10, new Dictionary<string, string>()));

        Assert.Equal(["Review A", "Implement C"], plan.Start.Select(c => c.Ticket.Title));
        Assert.Equal(("Review B", "role reviewer has its max_tasks of 1 tickets in progress"), (plan.Waiting.Single().Candidate.Ticket.Title, plan.Waiting.Single().Reason));
    }

    [Fact]
    public void A_speciality_nobody_has_makes_the_ticket_stuck_with_what_to_do_and_a_named_role_wins_over_the_label()
    {
        var (rig, dispatcher) = Setup();
        using var _ = rig;
        var stuck = Open(rig, "Draw the architecture", "speciality:architecture");
        var now = rig.Time.GetUtcNow();
        var named = rig.Tickets.CreateTicket(new Ticket { Number = 0, Title = "Review by a worker", Status = TicketStatus.Open, Labels = ["speciality:review"], RoleWanted = "worker", CreatedAt = now, UpdatedAt = now },
            t => new EventRecord { Time = now, Type = EventTypes.TicketCreated, Ticket = t.Id, Message = "created" });
        var report = new TickReport();

        var candidates = dispatcher.Candidates(now, report);

        var (id, why) = Assert.Single(report.Stuck);
        Assert.Equal(stuck.Id, id);
        Assert.Contains("no role or agent profile has the speciality 'architecture'", why, StringComparison.Ordinal);
        var chosen = Assert.Single(candidates, c => c.Ticket.Number == named.Number);
        Assert.Equal(("worker", "scripted"), (chosen.Role, chosen.Agent));
    }

    [Fact]
    public void With_no_specialist_role_the_default_role_runs_with_each_specialist_profile_in_turn()
    {
        var specialists = Specialities.Pairs("generation", null, [new Role { Name = "worker" }, new Role { Name = "other", Specialities = ["review"] }],
            [ScriptedAs("gen-b", ["generation"], null), ScriptedAs("gen-a", ["Generation"], null), ScriptedAs("plain", [], null)],
            new Role { Name = "worker" }, "plain");

        Assert.Equal([("worker", "gen-a"), ("worker", "gen-b")], specialists);
    }

    private static AgentProfile ScriptedAs(string name, IReadOnlyList<string> specialities, int? maxTasks) =>
        new Baton.Infrastructure.Agents.AgentProfiles(null).Get("scripted") with { Name = name, Specialities = specialities, MaxTasks = maxTasks };
}
