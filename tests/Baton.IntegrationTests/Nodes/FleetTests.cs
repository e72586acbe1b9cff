using System.Diagnostics;
using Baton.IntegrationTests.Support;
using Npgsql;
using Xunit;
using static Baton.IntegrationTests.Dispatch.AutopilotKit;

namespace Baton.IntegrationTests.Nodes;

/// <summary>
/// Three `baton node` processes on one repository and one real PostgreSQL store, with scripted
/// agents: a node killed mid-ticket loses its lease, the ticket finishes on another node, once.
/// </summary>
public sealed class FleetTests : IClassFixture<PostgresServer>, IDisposable
{
    private readonly PostgresDatabase _db;
    private readonly TestRepo _repo = new(init: false);
    private readonly Dictionary<string, Process> _nodes = new(StringComparer.Ordinal);

    public FleetTests(PostgresServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        _db = server.CreateDatabase();
        _repo.SetEnv("BATON_STORE_PASSWORD", _db.Password);
        _repo.Baton("init", "--store", _db.Url).Ok();
        Configure("");
    }

    private void Configure(string extra) => File.WriteAllText(Path.Combine(_repo.Dir, ".baton", "config.yaml"), $"""
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

        """ + extra);

    public void Dispose()
    {
        foreach (var p in _nodes.Values)
        {
            Stop(p);
            p.Dispose();
        }

        _repo.Dispose();
    }

    private static void Signal(Process p, string signal)
    {
        using var kill = Process.Start("kill", [signal, p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    private static void Stop(Process p)
    {
        if (p.HasExited)
        {
            return;
        }

        Signal(p, "-CONT"); // a node a test froze must be able to end
        Signal(p, "-TERM");
        if (!p.WaitForExit(30_000))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit(10_000);
        }
    }

    private void StartNode(string name) => _nodes[name] = _repo.StartBaton("node", "--name", name, "--capacity", "1", "--plain");

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

    private long Scalar(string sql)
    {
        using var c = new NpgsqlConnection(_db.ConnectionString);
        c.Open();
        using var cmd = new NpgsqlCommand(sql, c);
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private string Diagnose() => Describe(_repo, new CliResult(0, "", "")) + "\nleases of T-1: " + string.Join("; ", Leases(1));

    [Fact]
    public void A_node_killed_mid_ticket_loses_its_lease_and_the_ticket_finishes_on_another_node_once()
    {
        // The long ticket first (high priority), so a node is surely in the middle of it when killed.
        var slow = Ticket(_repo, "Slow", Work("T-1", "slow.txt", "slow work", "@sleep 15"), "--priority", "high");
        var quick = new[] { Ticket(_repo, "Quick a", Work("T-2", "a.txt", "alpha")), Ticket(_repo, "Quick b", Work("T-3", "b.txt", "beta")) };
        foreach (var name in new[] { "n1", "n2", "n3" })
        {
            StartNode(name);
        }

        // When the node holding T-1 is killed with SIGKILL while its agent works
        TestRepo.WaitUntil(() => Leases(1).Any(l => l.State == "held"), "a node leased T-1", 120, Diagnose);
        var twin = _repo.Baton("node", "--name", Leases(1).Single().Node, "--until-done", "--plain");
        Assert.Equal(1, twin.ExitCode);
        Assert.Contains("is already running on this store", twin.Stderr, StringComparison.Ordinal);
        var victim = Leases(1).Single(l => l.State == "held");
        TestRepo.WaitUntil(() => Events(_repo, "worker_prompt_sent").Any(e => e.GetProperty("worker").GetString() == victim.Worker), $"{victim.Worker} got its ticket", 60, Diagnose);
        _nodes[victim.Node].Kill(entireProcessTree: false);
        _nodes[victim.Node].WaitForExit(10_000);

        // Then its lease expires (lease_ttl 3s), T-1 goes back to the queue and another node takes it
        TestRepo.WaitUntil(() => Leases(1).Count == 2, "T-1 was leased again", 60, Diagnose);
        var nodes = _repo.Baton("nodes", "--json").Ok().Json().GetProperty("nodes").EnumerateArray().ToDictionary(n => n.GetProperty("name").GetString()!, n => n.GetProperty("status").GetString());
        Assert.Equal("lost", nodes[victim.Node]);

        // And the killed node, started again, ends the agent whose lease it lost (before it could report)
        StartNode(victim.Node);
        TestRepo.WaitUntil(() => Events(_repo, "lease_lost").Any(e => e.GetProperty("worker").GetString() == victim.Worker), $"the restarted {victim.Node} ended {victim.Worker}", 60, Diagnose);

        TestRepo.WaitUntil(() => quick.Append(slow).All(id => Status(_repo, id) == "done"), "every ticket is done", 180, Diagnose);
        var leases = Leases(1);
        Assert.Equal(2, leases.Count);
        Assert.Equal((victim.Node, "expired"), (leases[0].Node, leases[0].State));
        Assert.NotEqual(victim.Node, leases[1].Node);
        Assert.Equal("released", leases[1].State);
        Assert.True(leases[1].Token > leases[0].Token);
        Assert.Single(Events(_repo, "lease_expired", slow));
        // No duplicate completion, no double merge: one report, one merge per ticket.
        Assert.Equal([leases[1].Worker], Events(_repo, "task_reported_done", slow).Select(e => e.GetProperty("worker").GetString()));
        foreach (var id in quick.Append(slow))
        {
            Assert.Single(Events(_repo, "merged", id));
        }

        Assert.Equal("slow work\n", _repo.Git("show", "main:slow.txt"));
    }

    [Fact]
    public void A_node_cut_off_while_its_gate_ran_cannot_land_that_gate_once_another_node_took_the_ticket()
    {
        Configure("gate:\n  commands: [\"sleep 4\"]\n");
        var id = Ticket(_repo, "Shared", "@run echo $BATON_WORKER >> who.txt\n@commit T-1: work of $BATON_WORKER\n@run baton ticket done T-1");
        StartNode("n1");
        StartNode("n2");

        // When the node holding T-1 stops answering (SIGSTOP) while its gate runs
        TestRepo.WaitUntil(() => Scalar("SELECT count(*) FROM gate_runs WHERE ticket = 1 AND status = 'running'") == 1, "T-1's gate runs", 120, Diagnose);
        var first = Leases(1).Single(l => l.State == "held");
        var frozen = _nodes[first.Node];
        Signal(frozen, "-STOP");

        // Then the other node takes T-1 over once the lease expired, and its agent reports done
        TestRepo.WaitUntil(() => Show(_repo, id) is var t && t.GetProperty("status").GetString() == "testing" && t.GetProperty("assignee").GetString() != first.Worker,
            "the second attempt reached its gate", 120, Diagnose);
        var second = Leases(1).Last();
        Assert.NotEqual(first.Node, second.Node);

        // And the frozen node, woken up with its first gate finished, is refused by the fence
        Signal(frozen, "-CONT");
        TestRepo.WaitUntil(() => Events(_repo, "autopilot_error").Any(e => e.GetProperty("message").GetString()!.Contains($"fencing token {first.Token}", StringComparison.Ordinal)),
            "the stale gate pass was refused", 60, Diagnose);
        TestRepo.WaitUntil(() => Status(_repo, id) == "done", "T-1 is done", 120, Diagnose);

        Assert.Equal(1, Scalar("SELECT count(*) FROM merge_requests WHERE ticket = 1"));
        Assert.Single(Events(_repo, "merged", id));
        // No lost commit: the first attempt's commit is under the second's on the merged branch.
        Assert.Equal([first.Worker, second.Worker], _repo.Git("show", "main:who.txt").Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
