using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Baton.IntegrationTests.Support;
using Npgsql;
using Xunit;
using static Baton.IntegrationTests.Dispatch.AutopilotKit;

namespace Baton.IntegrationTests.Nodes;

/// <summary>
/// A node cut off from the real PostgreSQL mid-ticket: it reaches the server through a TCP relay
/// on 127.0.0.1 that the test closes and opens again. Its ticket is re-queued once the lease
/// expires and finishes on the other node, once; the cut node reconnects, finds its lease gone
/// and ends its agent, whose late report is refused.
/// </summary>
public sealed class FleetCutTests : IClassFixture<PostgresServer>, IDisposable
{
    private readonly PostgresServer _server;
    private readonly PostgresDatabase _db;
    private readonly TestRepo _repo = new(init: false);
    private readonly TcpRelay _relay;
    private readonly List<Process> _nodes = [];

    public FleetCutTests(PostgresServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        _server = server;
        _db = server.CreateDatabase();
        _relay = new TcpRelay(server.Port);
        _repo.SetEnv("BATON_STORE_PASSWORD", _db.Password);
        _repo.Baton("init", "--store", _db.Url).Ok();
        File.WriteAllText(Path.Combine(_repo.Dir, ".baton", "config.yaml"), $"""
            store:
              url: "{_db.Url}"
            agents:
              default: scripted
            autopilot:
              tick: 200ms
              retry_base: 0s
              retry_max: 1s
              spawns_per_minute: 600
              spawn_burst: 10
            nodes:
              lease_ttl: 3s
              heartbeat: 500ms
              remote: none

            """);
    }

    public void Dispose()
    {
        NodeProcesses.Stop(_nodes);

        _relay.Dispose();
        _repo.Dispose();
    }

    private string RelayUrl => _db.Url.Replace($":{_server.Port.ToString(CultureInfo.InvariantCulture)}/", $":{_relay.Port.ToString(CultureInfo.InvariantCulture)}/", StringComparison.Ordinal);

    private Process StartNode(string name, ConcurrentQueue<string> output, Dictionary<string, string> env)
    {
        var p = _repo.StartBaton(env, output, "node", "--name", name, "--capacity", "1", "--plain");
        _nodes.Add(p);
        return p;
    }

    private List<(long Token, string Node, string Worker, string State)> Leases(long ticket)
    {
        using var c = new NpgsqlConnection(_db.ConnectionString);
        c.Open();
        using var cmd = new NpgsqlCommand("SELECT token, node, worker, state FROM leases WHERE ticket = @t ORDER BY token", c);
        cmd.Parameters.AddWithValue("t", ticket);
        using var r = cmd.ExecuteReader();
        var list = new List<(long, string, string, string)>();
        while (r.Read())
        {
            list.Add((r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3)));
        }

        return list;
    }

    [Fact]
    public void A_node_cut_off_from_the_store_loses_its_ticket_to_another_node_reconnects_and_ends_its_lost_agent()
    {
        var cutOutput = new ConcurrentQueue<string>();
        var otherOutput = new ConcurrentQueue<string>();
        string Diagnose() => Describe(_repo, new CliResult(0, "", "")) + "\nleases of T-1: " + string.Join("; ", Leases(1))
            + "\ncut node:\n" + string.Join('\n', cutOutput) + "\nother node:\n" + string.Join('\n', otherOutput);
        var id = Ticket(_repo, "Cut", "@sleep 12\n@run echo $BATON_WORKER >> who.txt\n@commit T-1: work of $BATON_WORKER\n@run baton ticket done T-1");

        // The node "cut" reaches the store through the relay only; "other" starts once cut holds T-1.
        StartNode("cut", cutOutput, new Dictionary<string, string> { ["BATON_STORE_URL"] = RelayUrl });
        TestRepo.WaitUntil(() => Leases(1).Any(l => l is { Node: "cut", State: "held" }), "the cut node leased T-1", 120, Diagnose);
        var first = Leases(1).Single();
        TestRepo.WaitUntil(() => Events(_repo, "worker_prompt_sent").Any(e => e.GetProperty("worker").GetString() == first.Worker), $"{first.Worker} got its ticket", 60, Diagnose);
        StartNode("other", otherOutput, []);

        // When the network to the store goes while its agent works
        _relay.Cut();
        TestRepo.WaitUntil(() => cutOutput.Any(l => l.Contains("lost the store", StringComparison.Ordinal)), "the cut node said it lost the store", 30, Diagnose);

        // Then its lease expires and the other node takes T-1 with a higher token
        TestRepo.WaitUntil(() => Leases(1).Any(l => l is { Node: "other", State: "held" }), "the other node leased T-1", 60, Diagnose);
        Assert.Equal("expired", Leases(1)[0].State);
        var second = Leases(1).Single(l => l.Node == "other").Worker;
        TestRepo.WaitUntil(() => Events(_repo, "worker_prompt_sent").Any(e => e.GetProperty("worker").GetString() == second), $"{second} got T-1", 60, Diagnose);
        // Its agent ran on while cut: the other node, ticking on, leaves an agent it does not run alone.
        Assert.Equal(0, _repo.Tmux("has-session", "-t", "baton-" + first.Worker).ExitCode);
        Assert.DoesNotContain(Events(_repo, "worker_killed"), e => e.GetProperty("worker").GetString() == first.Worker);

        // And once the network is back, the cut node reconnects, finds its lease gone and ends its agent
        _relay.Restore();
        TestRepo.WaitUntil(() => Events(_repo, "node_reconnected").Count == 1, "the cut node reconnected", 60, Diagnose);
        TestRepo.WaitUntil(() => Events(_repo, "lease_lost").Any(e => e.GetProperty("worker").GetString() == first.Worker), $"the cut node ended {first.Worker}", 30, Diagnose);
        var back = Events(_repo, "node_reconnected").Single();
        Assert.Equal("1", back.GetProperty("metadata").GetProperty("leases_lost").GetString());
        Assert.True(long.Parse(back.GetProperty("metadata").GetProperty("away_ms").GetString()!, CultureInfo.InvariantCulture) >= 3000);
        // The tick's report is printed once the tick ends, after its events were recorded.
        TestRepo.WaitUntil(() => cutOutput.Any(l => l.Contains("store reachable again", StringComparison.Ordinal)), "the cut node said the store is back", 30, Diagnose);
        Assert.Single(cutOutput, l => l.Contains("lost the store", StringComparison.Ordinal));
        Assert.Single(cutOutput, l => l.Contains("store reachable again", StringComparison.Ordinal));

        // Its stale attempt's late report is refused: T-1 is the other node's now.
        var late = new ConcurrentQueue<string>();
        using (var report = _repo.StartBaton(new Dictionary<string, string> { ["BATON_WORKER"] = first.Worker }, late, "ticket", "done", id))
        {
            Assert.True(report.WaitForExit(60_000));
            Assert.NotEqual(0, report.ExitCode);
        }

        TestRepo.WaitUntil(() => Status(_repo, id) == "done", "T-1 is done", 120, Diagnose);
        var leases = Leases(1);
        Assert.Equal(2, leases.Count);
        Assert.Equal(("cut", "expired"), (leases[0].Node, leases[0].State));
        Assert.Equal(("other", "released"), (leases[1].Node, leases[1].State));
        Assert.True(leases[1].Token > leases[0].Token);
        // No duplicate completion, no double merge; only the second attempt's work landed.
        Assert.Equal([leases[1].Worker], Events(_repo, "task_reported_done", id).Select(e => e.GetProperty("worker").GetString()));
        Assert.Single(Events(_repo, "merged", id));
        Assert.Equal([leases[1].Worker], _repo.Git("show", "main:who.txt").Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(_repo.Baton("nodes", "--json").Ok().Json().GetProperty("nodes").EnumerateArray(), n => n.GetProperty("name").GetString() == "cut" && n.GetProperty("status").GetString() == "running");
    }
}
