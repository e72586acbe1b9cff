using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Tickets;

public sealed class TicketConcurrencyTests : IDisposable
{
    private readonly TestRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    [Fact]
    public async Task Fifty_processes_creating_and_updating_lose_no_update()
    {
        // Given one shared ticket
        _repo.Baton("ticket", "create", "shared").Ok();

        // When 25 processes create tickets while 25 others each add their own label to the shared one
        var creates = Enumerable.Range(0, 25).Select(i => Task.Run(() => _repo.Baton("ticket", "create", $"made by {i}")));
        var updates = Enumerable.Range(0, 25).Select(i => Task.Run(() => _repo.Baton("ticket", "update", "T-1", "--label", $"l{i}")));
        var results = await Task.WhenAll(creates.Concat(updates));

        // Then nothing failed, every ticket got its own number and every label is there
        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.Stderr));
        var tickets = _repo.Baton("ticket", "list", "--json").Ok().Json();
        Assert.Equal(26, tickets.GetArrayLength());
        Assert.Equal(Enumerable.Range(1, 26).Select(n => $"T-{n}"), tickets.EnumerateArray().Select(t => t.GetProperty("id").GetString()));
        var labels = tickets[0].GetProperty("labels").EnumerateArray().Select(l => l.GetString()).Order().ToList();
        Assert.Equal(Enumerable.Range(0, 25).Select(i => $"l{i}").Order(), labels);
    }

    [Fact]
    public async Task Two_workers_can_never_both_take_the_same_ticket()
    {
        _repo.Baton("spawn", "--agent", "scripted", "--name", "w1").Ok();
        _repo.Baton("spawn", "--agent", "scripted", "--name", "w2").Ok();
        _repo.Baton("ticket", "create", "contested").Ok();

        var both = await Task.WhenAll(
            Task.Run(() => _repo.Baton("ticket", "assign", "T-1", "w1")),
            Task.Run(() => _repo.Baton("ticket", "assign", "T-1", "w2")));

        Assert.Single(both, r => r.ExitCode == 0);
        Assert.Single(both, r => r.Stderr.Contains("already assigned", StringComparison.Ordinal));
        var started = _repo.Baton("events", "recent", "20", "--type", "task_started", "--json").Ok().Json();
        Assert.Equal(1, started.GetArrayLength());
    }
}
