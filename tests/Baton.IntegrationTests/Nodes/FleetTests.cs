using System.Diagnostics;
using Baton.IntegrationTests.Support;
using Npgsql;
using Xunit;
using static Baton.IntegrationTests.Dispatch.AutopilotKit;

namespace Baton.IntegrationTests.Nodes;

/// <summary>
/// Three `baton node` processes, each in its own clone of one bare remote, on one real PostgreSQL
/// store, with scripted agents: a node killed mid-ticket loses its lease, the ticket resumes on
/// another node from the branch the killed one pushed, and lands once, on the remote.
/// </summary>
public sealed class FleetTests : IClassFixture<PostgresServer>, IDisposable
{
    private static readonly string[] Names = ["n1", "n2", "n3"];
    private readonly PostgresDatabase _db;

    // The first machine: tickets are filed and read here; it pushed the history to the remote.
    private readonly TestRepo _repo = new(init: false);
    private readonly string _fleet = Path.Combine(Path.GetTempPath(), "baton-fleet-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly Dictionary<string, Process> _nodes = new(StringComparer.Ordinal);

    public FleetTests(PostgresServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        _db = server.CreateDatabase();
        Directory.CreateDirectory(_fleet);
        Git(_fleet, "init", "-q", "--bare", "-b", "main", Remote);
        _repo.Git("remote", "add", "origin", Remote);
        _repo.Git("push", "-q", "origin", "main");
        _repo.SetEnv("BATON_STORE_PASSWORD", _db.Password);
        _repo.Baton("init", "--store", _db.Url).Ok();
        foreach (var name in Names)
        {
            // Each node's machine: `git clone REMOTE && baton init --store URL` joins the fleet.
            var dir = Clone(name);
            Git(_fleet, "clone", "-q", Remote, dir);
            Git(dir, "config", "user.email", "node@example.com");
            Git(dir, "config", "user.name", "Baton Node");
            _repo.BatonIn(dir, null, "init", "--store", _db.Url).Ok();
        }

        Configure("");
    }

    private string Remote => Path.Combine(_fleet, "remote.git");

    private string Clone(string name) => Path.Combine(_fleet, name);

    private static string Git(string dir, params string[] args)
    {
        var r = TestRepo.Run("git", ["-C", dir, .. args], dir, null, new Dictionary<string, string>(), TimeSpan.FromSeconds(30));
        Assert.True(r.ExitCode == 0, $"git {string.Join(' ', args)} failed in {dir}: {r.Stderr}");
        return r.Stdout;
    }

    /// <summary>The same config.yaml on the first machine and every node's clone (nodes.remote: origin, the default on PostgreSQL).</summary>
    private void Configure(string extra)
    {
        foreach (var dir in Names.Select(Clone).Prepend(_repo.Dir))
        {
            File.WriteAllText(Path.Combine(dir, ".baton", "config.yaml"), $"""
                store:
                  url: "{_db.Url}"
                  # A node frozen (SIGSTOP) inside a transaction holds the write lock until the
                  # server ends it (idle_in_transaction_session_timeout, 30 s): wait that out.
                  busy_timeout: 45s
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
        }
    }

    public void Dispose()
    {
        foreach (var p in _nodes.Values)
        {
            Stop(p);
            p.Dispose();
        }

        _repo.Dispose();
        try
        {
            Directory.Delete(_fleet, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
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

    private void StartNode(string name) => _nodes[name] = _repo.StartBatonIn(Clone(name), "node", "--name", name, "--capacity", "1", "--plain");

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

    private string Diagnose() => Describe(_repo, new CliResult(0, "", "")) + "\nleases of T-1: " + string.Join("; ", Leases(1))
        + "\nremote: " + Git(Remote, "for-each-ref", "--format=%(refname) %(objectname:short)");

    private string[] Who() => Git(Remote, "show", "main:who.txt").Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void A_node_killed_mid_ticket_loses_its_lease_and_another_node_resumes_the_ticket_from_its_pushed_branch_once()
    {
        // The long ticket first (high priority), so a node is surely in the middle of it when
        // killed: each attempt commits a line naming its agent; the first then works on for long
        // (it is killed meanwhile), the second goes on at once.
        var slow = Ticket(_repo, "Slow", Work("T-1", "slow.txt", "slow work",
            "@run echo $BATON_WORKER >> who.txt\n@commit T-1: work of $BATON_WORKER\n@run [ \"$BATON_WORKER\" != t1-1 ] || sleep 60"), "--priority", "high");
        var quick = new[] { Ticket(_repo, "Quick a", Work("T-2", "a.txt", "alpha")), Ticket(_repo, "Quick b", Work("T-3", "b.txt", "beta")) };
        foreach (var name in Names)
        {
            StartNode(name);
        }

        // When the node holding T-1 is killed with SIGKILL while its agent works, after its commit was pushed
        TestRepo.WaitUntil(() => Leases(1).Any(l => l.State == "held"), "a node leased T-1", 120, Diagnose);
        var twin = _repo.Baton("node", "--name", Leases(1).Single().Node, "--until-done", "--plain");
        Assert.Equal(1, twin.ExitCode);
        Assert.Contains("is already running on this store", twin.Stderr, StringComparison.Ordinal);
        var victim = Leases(1).Single(l => l.State == "held");
        TestRepo.WaitUntil(() => Events(_repo, "branch_pushed", slow).Any(e => e.GetProperty("worker").GetString() == victim.Worker), $"{victim.Worker}'s commit was pushed", 60, Diagnose);
        var branch = Show(_repo, slow).GetProperty("branch").GetString()!;
        var pushed = Git(Remote, "rev-parse", "refs/heads/" + branch).Trim();
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

        // No lost commit: the remote's main holds every ticket's work, and the killed attempt's
        // commit under the second attempt's (which resumed from the pushed branch, in another clone).
        Assert.Equal("slow work\n", Git(Remote, "show", "main:slow.txt"));
        Assert.Equal(("alpha\n", "beta\n"), (Git(Remote, "show", "main:a.txt"), Git(Remote, "show", "main:b.txt")));
        Assert.Equal([victim.Worker, leases[1].Worker], Who());
        Git(Remote, "merge-base", "--is-ancestor", pushed, "main");
        Assert.Contains(Events(_repo, "task_dispatched", slow), e => e.GetProperty("worker").GetString() == leases[1].Worker
            && e.GetProperty("metadata").GetProperty("worktree").GetString()!.StartsWith(Clone(leases[1].Node), StringComparison.Ordinal));
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
        Assert.Equal([first.Worker, second.Worker], Who());
    }

    [Fact]
    public void A_node_refuses_to_start_without_the_shared_remote_or_when_it_does_not_answer()
    {
        var reachable = _repo.Baton("node", "--name", "lonely", "--until-done", "--plain");
        Assert.True(reachable.ExitCode == 0, Describe(_repo, reachable)); // the first machine's origin is the bare remote: it runs (nothing to do)

        _repo.Git("remote", "remove", "origin");
        var none = _repo.Baton("node", "--name", "lonely", "--until-done", "--plain");
        Assert.Equal(1, none.ExitCode);
        Assert.Contains("this clone has no git remote 'origin' (nodes.remote)", none.Stderr, StringComparison.Ordinal);
        Assert.Contains("nodes.remote: none", none.Stderr, StringComparison.Ordinal);

        _repo.Git("remote", "add", "origin", Path.Combine(_fleet, "gone.git"));
        var dead = _repo.Baton("node", "--name", "lonely", "--until-done", "--plain");
        Assert.Equal(1, dead.ExitCode);
        Assert.Contains("the git remote 'origin'", dead.Stderr, StringComparison.Ordinal);
        Assert.Contains("does not answer", dead.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_push_to_a_remote_that_went_away_is_reported_and_tried_again_and_the_gate_waits_for_it()
    {
        var id = Ticket(_repo, "Pushed late", Work("T-1", "late.txt", "late work", "@sleep 4"));
        StartNode("n1");
        TestRepo.WaitUntil(() => Events(_repo, "worker_prompt_sent").Count == 1, "T-1's agent got its ticket", 120, Diagnose);

        // When the remote goes away before the agent commits
        var away = Remote + ".away";
        Directory.Move(Remote, away);
        TestRepo.WaitUntil(() => Events(_repo, "push_failed", id).Count > 0, "the push failed", 60, Diagnose);
        // (a second try, 2 s later, with T-1 reported done meanwhile: many ticks in which a gate that
        // did not wait for the push would have started, gate.commands being empty)
        TestRepo.WaitUntil(() => Status(_repo, id) == "testing" && Events(_repo, "push_failed", id).Count >= 2, "T-1 reported done, its push failed twice", 60, Diagnose);
        Assert.Empty(Events(_repo, "gate_started", id));

        // Then, once it is back, the push is tried again and the ticket lands on it
        Directory.Move(away, Remote);
        TestRepo.WaitUntil(() => Status(_repo, id) == "done", "T-1 is done", 120, Diagnose);
        Assert.Contains(Events(_repo, "push_failed", id), e => e.GetProperty("message").GetString()!.Contains("try 1", StringComparison.Ordinal));
        Assert.NotEmpty(Events(_repo, "branch_pushed", id));
        Assert.Equal(Git(Remote, "rev-parse", "refs/heads/" + Show(_repo, id).GetProperty("branch").GetString()), Git(Remote, "rev-parse", "main^2"));
        Assert.Equal("late work\n", Git(Remote, "show", "main:late.txt"));
    }
}
