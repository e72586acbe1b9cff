using System.Text.Json;
using Baton.IntegrationTests.Support;
using Xunit;
using static Baton.IntegrationTests.Dispatch.AutopilotKit;

namespace Baton.IntegrationTests.Dispatch;

/// <summary>
/// Budgets through the real CLI: `baton budget set`, `baton up` with headless scripted agents that
/// report their usage (@tokens), real git and SQLite; `baton budget --json` and `status` say why
/// dispatch stopped.
/// </summary>
public sealed class BudgetFlowTests
{
    private static string Spend(string id, string file, long tokens) =>
        Work(id, file, "spent " + tokens, before: $"@tokens {tokens} 0 0 0 0.25");

    [Fact]
    public void Up_stops_dispatching_at_a_hard_daily_limit_and_budget_says_why()
    {
        // Given a daily budget of 2500 tokens, one agent at a time, and three tickets whose agents report 3000 tokens each
        using var repo = new TestRepo();
        Configure(repo, autopilot: "headless: true\nmax_workers: 1");
        repo.Baton("budget", "set", "--daily-tokens", "2500", "--soft", "50").Ok();
        var a = Ticket(repo, "First", Spend("T-1", "a.txt", 3000));
        var b = Ticket(repo, "Second", Spend("T-2", "b.txt", 3000));
        var c = Ticket(repo, "Third", Spend("T-3", "c.txt", 3000));

        // When the loop runs until nothing can move
        var up = Up(repo);

        // Then the first ticket ran and nothing after it: the limit was reached and the rest cannot start today
        Assert.Equal("done", Status(repo, a));
        Assert.Equal(new[] { "open", "open" }, new[] { Status(repo, b), Status(repo, c) });
        Assert.Single(Events(repo, "task_dispatched"));
        Assert.Equal(1, up.ExitCode);
        Assert.Contains("the daily tokens budget of all work is spent: 3000 tokens of 2500 tokens today (hard limit)", up.Stdout, StringComparison.Ordinal);

        // And `baton budget --json` and `status` say so and why; the crossing was notified once (a
        // jump straight past the limit is one hard notice, not a soft one too)
        var budget = repo.Baton("budget", "--json").Ok().Json();
        var line = Assert.Single(budget.GetProperty("budgets").EnumerateArray());
        Assert.Equal(("hard", 3000m, 2500m), (line.GetProperty("state").GetString(), line.GetProperty("spent").GetDecimal(), line.GetProperty("limit").GetDecimal()));
        var held = budget.GetProperty("held").EnumerateArray().Select(h => (h.GetProperty("scope").GetString(), h.GetProperty("why").GetString()!)).ToList();
        Assert.Contains(held, h => h.Item1 == "all work" && h.Item2.Contains("no new agent starts for all work until tomorrow", StringComparison.Ordinal));
        Assert.Contains(held, h => h.Item1 == b && h.Item2.Contains("hard limit", StringComparison.Ordinal));
        Assert.Equal(0.25m, Assert.Single(budget.GetProperty("profiles").EnumerateArray()).GetProperty("cost_usd").GetDecimal());
        var status = repo.Baton("status", "--json").Ok().Json();
        Assert.Contains(status.GetProperty("held").EnumerateArray(), h => h.GetString()!.StartsWith("all work: the daily tokens budget of all work is spent", StringComparison.Ordinal));
        var kinds = Events(repo, "notification").Select(e => e.GetProperty("metadata").GetProperty("kind").GetString()).ToList();
        Assert.Equal(1, kinds.Count(k => k == "budget_exceeded"));
        Assert.DoesNotContain("budget_crossed", kinds);
    }

    [Fact]
    public void Reserved_spend_keeps_concurrent_agents_under_the_daily_limit()
    {
        // Given 2500 tokens a day, 1000 per ticket (what each new ticket reserves), four free slots,
        // and four tickets whose agents spend 1000 each
        using var repo = new TestRepo();
        Configure(repo, autopilot: "headless: true\nmax_workers: 4");
        repo.Baton("budget", "set", "--daily-tokens", "2500", "--per-ticket-tokens", "1000").Ok();
        var ids = Enumerable.Range(1, 4).Select(i => Ticket(repo, $"Job {i}", Spend($"T-{i}", $"f{i}.txt", 1000))).ToList();

        // When the loop runs until nothing can move
        var up = Up(repo);

        // Then two ran (2 x 1000 reserved; a third would pass 2500), and the spend stayed under the limit
        Assert.Equal(2, ids.Count(id => Status(repo, id) == "done"));
        Assert.Equal(2, Events(repo, "task_dispatched").Count);
        Assert.Equal(1, up.ExitCode);
        var day = repo.Baton("budget", "--json").Ok().Json().GetProperty("budgets").EnumerateArray().First(l => l.GetProperty("period").GetString() == "day");
        Assert.Equal(2000m, day.GetProperty("spent").GetDecimal());
        Assert.Contains("left today", repo.Baton("budget").Ok().Stdout, StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Array, repo.Baton("budget", "clear", "--all", "--json").Ok().Json().ValueKind);
        Assert.Empty(repo.Baton("budget", "--json").Ok().Json().GetProperty("budgets").EnumerateArray());
    }
}
