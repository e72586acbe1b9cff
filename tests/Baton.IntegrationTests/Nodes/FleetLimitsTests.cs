using System.Collections.Concurrent;
using System.Diagnostics;
using Baton.IntegrationTests.Support;
using Xunit;
using static Baton.IntegrationTests.Dispatch.AutopilotKit;

namespace Baton.IntegrationTests.Nodes;

/// <summary>
/// A profile's limits are the fleet's: two real nodes on one real PostgreSQL, each with room for
/// one agent, and the scripted profile limited to one instance. Only one agent runs at a time
/// across both nodes; the node that waits says why.
/// </summary>
public sealed class FleetLimitsTests : IClassFixture<PostgresServer>, IDisposable
{
    private readonly TestRepo _repo = new(init: false);
    private readonly List<Process> _nodes = [];

    public FleetLimitsTests(PostgresServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        var db = server.CreateDatabase();
        _repo.SetEnv("BATON_STORE_PASSWORD", db.Password);
        _repo.Baton("init", "--store", db.Url).Ok();
        File.WriteAllText(Path.Combine(_repo.Dir, ".baton", "config.yaml"), $"""
            store:
              url: "{db.Url}"
            agents:
              default: scripted
              max_instances:
                scripted: 1
            autopilot:
              tick: 200ms
              retry_base: 0s
              retry_max: 1s
              spawns_per_minute: 600
              spawn_burst: 10
            nodes:
              lease_ttl: 10s
              heartbeat: 1s
              remote: none

            """);
    }

    public void Dispose()
    {
        NodeProcesses.Stop(_nodes);

        _repo.Dispose();
    }

    [Fact]
    public void A_profiles_max_instances_holds_across_the_fleet_not_per_node()
    {
        // Given two running nodes with room for one agent each
        var outputs = new[] { new ConcurrentQueue<string>(), new ConcurrentQueue<string>() };
        foreach (var (name, output) in new[] { "a", "b" }.Zip(outputs))
        {
            _nodes.Add(_repo.StartBaton(new Dictionary<string, string>(), output, "node", "--name", name, "--capacity", "1", "--plain"));
        }

        string Diagnose() => string.Join('\n', Events(_repo).Select(e => $"{e.GetProperty("time")} {e.GetProperty("type")} {e.GetProperty("message")}"))
            + "\nnode a:\n" + string.Join('\n', outputs[0]) + "\nnode b:\n" + string.Join('\n', outputs[1]);
        TestRepo.WaitUntil(() => _repo.Baton("nodes", "--json").Ok().Json().GetProperty("nodes").EnumerateArray().Count(n => n.GetProperty("status").GetString() == "running") == 2, "both nodes run", 120, Diagnose);

        // When two tickets of the limited profile are ready at once
        var ids = new[] { 1, 2 }.Select(i => Ticket(_repo, $"Job {i}", $"@sleep 3\n" + Work($"T-{i}", $"f{i}.txt", "x"))).ToList();
        TestRepo.WaitUntil(() => ids.All(id => Status(_repo, id) == "done"), "both tickets are done", 180, Diagnose);

        // Then the second started only once the first had reported: one agent of the profile at a time, fleet-wide
        var dispatched = Events(_repo, "task_dispatched").OrderBy(Time).ToList();
        Assert.Equal(2, dispatched.Count);
        var first = dispatched[0].GetProperty("ticket").GetString()!;
        var reported = Time(Assert.Single(Events(_repo, "task_reported_done", first)));
        Assert.True(Time(dispatched[1]) >= reported, Diagnose());
        Assert.True(outputs.SelectMany(o => o).Any(l => l.Contains("is at its max_instances of 1 across the fleet (1 on other nodes)", StringComparison.Ordinal)), Diagnose());
    }
}
