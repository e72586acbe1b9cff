using Baton.IntegrationTests.Support;
using Xunit;
using static Baton.IntegrationTests.Dispatch.AutopilotKit;

namespace Baton.IntegrationTests.Dispatch;

/// <summary>Permission questions, usage limits, configuration errors and the prophet.</summary>
public sealed class AutopilotPolicyTests
{
    [Fact]
    public void Permission_questions_are_approved_by_role_policy_or_reported_for_a_human()
    {
        using var repo = new TestRepo();
        Configure(repo);
        Role(repo, "trusted", text => text.Replace("auto_approve: false", "auto_approve: true", StringComparison.Ordinal));
        var trusted = Ticket(repo, "Trusted", Work("T-1", "t.txt", "t", "@ask Run the migration?"), "--role", "trusted");
        var asks = Ticket(repo, "Asks a human", Work("T-2", "h.txt", "h", "@ask Delete the cache?"));
        using var loop = repo.StartBaton("up", "--plain");
        try
        {
            TestRepo.WaitUntil(() => Events(repo, "notification", asks).Count > 0, "the question to be reported", 40);
            Assert.Equal("waiting", repo.State("t2-1"));
            repo.Baton("send", "t2-1", "y").Ok(); // the human answers
            TestRepo.WaitUntil(() => Status(repo, trusted) == "done" && Status(repo, asks) == "done", "both tickets done", 40);
        }
        finally
        {
            repo.Baton("down");
        }

        Assert.Single(Events(repo, "permission_approved", trusted));
        Assert.Empty(Events(repo, "notification", trusted));
        Assert.Contains("waits for a human", Assert.Single(Events(repo, "notification", asks)).GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_agent_at_its_usage_limit_is_paused_and_resumed_and_nothing_fails()
    {
        // The real path: the limit read from a tmux screen, the resume typed to the agent. When it
        // resumes (at the reset, not before) is a unit test on the fake clock (PausePolicyTests).
        using var repo = new TestRepo();
        Configure(repo);
        var id = Ticket(repo, "Hits the limit", "@say Usage limit reached, resets in 0s\n@next\n" + Work("T-1", "l.txt", "after the reset"));

        var up = Up(repo);

        Assert.True(up.ExitCode == 0, Describe(repo, up));
        Assert.Equal("done", Status(repo, id));
        var paused = Assert.Single(Events(repo, "worker_paused"));
        var resumed = Assert.Single(Events(repo, "worker_resumed"));
        Assert.True(Time(resumed) >= Time(paused), "resumed after the pause");
        Assert.Equal(1, Show(repo, id).GetProperty("attempts").GetInt32());
    }

    [Fact]
    public void Without_auto_merge_a_reviewed_ticket_waits_for_a_person_whose_done_releases_its_dependents()
    {
        using var repo = new TestRepo();
        Configure(repo);
        File.AppendAllText(Path.Combine(repo.Dir, ".baton", "config.yaml"), "merge:\n  auto: false\n");
        var first = Ticket(repo, "Reviewed by a person", Work("T-1", "p.txt", "first"));
        var second = Ticket(repo, "After the review", Work("T-2", "q.txt", "second"), "--depends-on", "T-1");
        using (repo.StartBaton("up", "--plain"))
        {
            try
            {
                // That nothing merges it however long it waits is a unit test (GateAndMergePolicyTests).
                TestRepo.WaitUntil(() => Status(repo, first) == "review", "T-1 to pass its gate", 40);
                Assert.Equal("review", Status(repo, first));
                Assert.Equal("open", Status(repo, second));

                repo.Baton("ticket", "done", first, "--summary", "reviewed and merged by hand").Ok(); // no BATON_WORKER: a person
                TestRepo.WaitUntil(() => Status(repo, second) == "review", "T-2 to run once T-1 is done", 40);
            }
            finally
            {
                repo.Baton("down");
            }
        }

        Assert.Equal("done", Status(repo, first));
        Assert.Empty(Events(repo, "merged"));
    }

    [Fact]
    public void A_bad_config_stops_the_loop_before_anything_is_spawned()
    {
        using var repo = new TestRepo();
        File.WriteAllText(Path.Combine(repo.Dir, ".baton", "config.yaml"), "agents:\n  default: scripted\nautopilot:\n  max_workers: 500\n");
        Ticket(repo, "Never starts", "@say hi");

        var up = Up(repo);

        Assert.Equal(2, up.ExitCode);
        Assert.Contains("config.yaml:4:16: 'max_workers' is 500; allowed range is 1 to 200", up.Stderr, StringComparison.Ordinal);
        Assert.Empty(Events(repo, "task_dispatched"));
    }

    [Fact]
    public void The_prophet_starts_in_its_session_at_the_root_and_restarts()
    {
        using var repo = new TestRepo();
        Configure(repo);

        var first = repo.Baton("prophet", "--agent", "scripted", "@context prophet-context.md").Ok().Stdout;
        Assert.Contains("prophet started (scripted) in session baton-prophet", first, StringComparison.Ordinal);
        TestRepo.WaitUntil(() => File.Exists(Path.Combine(repo.Dir, "prophet-context.md")), "the prophet to save its context");
        Assert.Contains("You are the prophet", File.ReadAllText(Path.Combine(repo.Dir, "prophet-context.md")), StringComparison.Ordinal);
        var w = repo.Worker("prophet");
        Assert.Equal("prophet", w.GetProperty("role").GetString());

        var second = repo.Baton("prophet", "--agent", "scripted").Ok().Stdout;
        Assert.Contains("prophet restarted", second, StringComparison.Ordinal);
        Assert.Equal(0, repo.Tmux("has-session", "-t", "=baton-prophet").ExitCode);
    }

    [Fact]
    public void The_demo_runs_to_completion()
    {
        var dir = Path.Combine(Path.GetTempPath(), "baton-demo-test-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var bin = RepoPaths.Baton;
            var r = TestRepo.Run(bin[0], [.. bin.Skip(1), "demo", "--dir", dir, "--json"], Path.GetTempPath(), null, new Dictionary<string, string>(), TimeSpan.FromSeconds(120));

            Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
            var json = r.Json();
            Assert.Equal(6, json.GetProperty("done").GetInt32());
            Assert.Equal(0, json.GetProperty("failed").GetInt32());
            var counter = json.GetProperty("tickets").EnumerateArray().Single(t => t.GetProperty("id").GetString() == "T-3");
            Assert.Equal(1, counter.GetProperty("gate_failures").GetInt32());
            TmuxSockets.Stop(json.GetProperty("tmux_socket").GetString()!);
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }
}
