using Baton.Core.Config;
using Baton.Core.Dispatch;
using Baton.Core.Events;
using Baton.Core.Storage;
using Baton.Core.Tests.Fakes;
using Baton.Core.Tickets;
using Xunit;

namespace Baton.Core.Tests.Dispatch;

/// <summary>The spawn rate limit and the hourly token budget as a tick applies them, on the fake clock.</summary>
public sealed class DispatchLimitTests
{
    [Fact]
    public void With_a_burst_of_one_at_sixty_a_minute_ready_tickets_start_one_second_apart()
    {
        // Given four ready tickets and spawn_burst: 1, spawns_per_minute: 60, ticking every 200 ms
        using var rig = new AutopilotRig { Config = new AutopilotConfig { SpawnBurst = 1, SpawnsPerMinute = 60, MaxWorkers = 10 } };
        rig.Git.Checkout = "main";
        for (var i = 0; i < 4; i++)
        {
            Open(rig, $"Job {i + 1}");
        }

        var dispatcher = new Dispatcher(rig.Config, "scripted", rig.Time, rig.Tickets, rig.Git, () => rig.Roles, rig.Profiles, rig.Paths, rig.Files);
        var bucket = new TokenBucket(rig.Config.SpawnBurst, rig.Config.SpawnsPerMinute, rig.Time.GetUtcNow());
        var started = new List<DateTimeOffset>();
        var waited = new List<string>();

        // When the loop ticks for four seconds, claiming what the plan starts (as Autopilot.Dispatch does)
        for (var tick = 0; tick <= 20; tick++)
        {
            var now = rig.Time.GetUtcNow();
            var plan = DispatchPlanner.Plan(dispatcher.Candidates(now, new TickReport()), [], dispatcher.Limits(bucket.Available(now), new Dictionary<string, string>()));
            waited.AddRange(plan.Waiting.Select(w => w.Reason));
            foreach (var c in plan.Start)
            {
                bucket.TryTake(now);
                Assert.NotNull(dispatcher.Claim(c));
                started.Add(now);
            }

            rig.Advance(TimeSpan.FromMilliseconds(200));
        }

        // Then the first starts at once and each next one a second later, the rest told why they wait
        var t0 = started[0];
        Assert.Equal([0, 1000, 2000, 3000], started.Select(t => (int)(t - t0).TotalMilliseconds));
        Assert.Contains("spawn rate limit (autopilot.spawns_per_minute)", waited);
        Assert.All(rig.Tickets.ListTickets(new TicketQuery()), t => Assert.Equal(TicketStatus.InProgress, t.Status));
    }

    [Fact]
    public void A_profile_over_its_hourly_token_budget_takes_no_new_work_until_the_hour_rolls_past()
    {
        // Given 1500 tokens reported for scripted, a budget of 1000 an hour, and a ready ticket
        using var rig = new AutopilotRig { Config = new AutopilotConfig { TokensPerHour = new Dictionary<string, long> { ["scripted"] = 1000 } } };
        rig.Store.AppendEvent(new EventRecord
        {
            Time = rig.Time.GetUtcNow(),
            Type = EventTypes.WorkerUsage,
            Message = "1500 tokens",
            Metadata = new Dictionary<string, string> { ["agent"] = "scripted", ["tokens"] = "1500" },
        });
        var ticket = Open(rig, "Waits for budget");
        var candidate = new DispatchCandidate(ticket, "worker", "scripted");

        // When the loop plans now, with a larger budget, and an hour later
        var held = TokenBudget.Spent(rig.Store, rig.Config.TokensPerHour, rig.Time.GetUtcNow()).ToDictionary(h => h.Agent, h => h.Why);
        var plan = DispatchPlanner.Plan([candidate], [], new DispatchLimits { MaxWorkers = 4, SpawnTokens = 4, AgentsHeld = held });
        var larger = TokenBudget.Spent(rig.Store, new Dictionary<string, long> { ["scripted"] = 2000 }, rig.Time.GetUtcNow());
        rig.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        var later = TokenBudget.Spent(rig.Store, rig.Config.TokensPerHour, rig.Time.GetUtcNow());

        // Then it waits with the reason, and goes once the budget allows it
        Assert.Empty(plan.Start);
        Assert.Equal("agent scripted used 1500 tokens in the last hour (agents.tokens_per_hour: 1000)", Assert.Single(plan.Waiting).Reason);
        Assert.Empty(larger);
        Assert.Empty(later);
    }

    private static Ticket Open(AutopilotRig rig, string title)
    {
        var now = rig.Time.GetUtcNow();
        return rig.Tickets.CreateTicket(new Ticket { Number = 0, Title = title, Status = TicketStatus.Open, CreatedAt = now, UpdatedAt = now },
            t => new EventRecord { Time = now, Type = EventTypes.TicketCreated, Ticket = t.Id, Message = "created" });
    }
}
