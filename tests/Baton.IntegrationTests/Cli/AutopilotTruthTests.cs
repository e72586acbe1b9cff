using Baton.IntegrationTests.Dispatch;
using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Cli;

/// <summary>
/// `baton up` tells the truth (issue 18): it checks what it needs before dispatching, never waits
/// silently on a ticket that cannot start, says when there is nothing to do, and `status` says
/// whether it runs. The real binary on real git and tmux.
/// </summary>
public sealed class AutopilotTruthTests : IDisposable
{
    private readonly TestRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    [Fact]
    public void Up_in_a_repository_without_a_commit_says_to_make_one_and_dispatches_nothing()
    {
        var dir = Path.Combine(Path.GetTempPath(), "baton-nocommit-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            var env = new Dictionary<string, string> { ["BATON_TMUX_SOCKET"] = _repo.Socket, ["NO_COLOR"] = "1" };
            TestRepo.Run("git", ["init", "-q", "-b", "main"], dir, null, env, TimeSpan.FromSeconds(20));
            CliResult Baton(params string[] args) => TestRepo.Run(RepoPaths.Baton[0], [.. RepoPaths.Baton.Skip(1), .. args], dir, null, env, TimeSpan.FromSeconds(60));

            Baton("init").Ok();
            Baton("ticket", "create", "First", "--agent", "scripted").Ok();
            var up = Baton("up", "--until-done", "--plain");

            Assert.Equal(1, up.ExitCode);
            Assert.Contains("has no commit yet", up.Stderr, StringComparison.Ordinal);
            Assert.Contains("git commit", up.Stderr, StringComparison.Ordinal);
            Assert.Equal("open", Baton("ticket", "show", "T-1", "--json").Ok().Json().GetProperty("status").GetString());
            Assert.Equal(0, Baton("ticket", "show", "T-1", "--json").Ok().Json().GetProperty("attempts").GetInt32());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("--agent", "unknown agent 'nosuch'")]
    [InlineData("--role", "unknown role 'nosuch'")]
    public void A_ticket_naming_an_unknown_agent_or_role_is_refused_at_creation(string option, string said)
    {
        var created = _repo.Baton("ticket", "create", "Odd", option, "nosuch");

        Assert.Equal(2, created.ExitCode);
        Assert.Contains(said, created.Stderr, StringComparison.Ordinal);
        Assert.Contains("No tickets", _repo.Baton("ticket", "list").Ok().Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Up_refuses_to_start_when_a_waiting_ticket_needs_an_agent_that_is_not_installed()
    {
        AutopilotKit.Configure(_repo);
        // The scripted profile under another name, with a program no machine has.
        var scripted = File.ReadAllText(Path.Combine(RepoPaths.Root, "assets", "agents", "scripted.yaml"))
            .Replace("name: scripted", "name: ghost", StringComparison.Ordinal)
            .Replace("command: [\"{baton}\", \"scripted-agent\"]", "command: [\"baton-test-no-such-program\"]", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(_repo.Dir, ".baton", "agents", "ghost.yaml"), scripted);
        _repo.Baton("ticket", "create", "Haunted", "--agent", "ghost").Ok();

        var up = _repo.Baton("up", "--until-done", "--plain");

        Assert.Equal(1, up.ExitCode);
        Assert.Contains("T-1: agent 'ghost' is not installed: 'baton-test-no-such-program' is not on PATH", up.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, AutopilotKit.Show(_repo, "T-1").GetProperty("attempts").GetInt32());
    }

    [Fact]
    public void Up_with_no_tickets_says_so_and_how_to_file_one()
    {
        AutopilotKit.Configure(_repo);

        var up = _repo.Baton("up", "--until-done", "--plain");

        Assert.Equal(0, up.ExitCode);
        Assert.Contains("no tickets yet, so nothing to dispatch: file one with `baton ticket create", up.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Until_done_reports_tickets_that_can_never_start_and_exits_1_once_nothing_can_move()
    {
        // Given a task for a worker that does not exist, and a ticket whose dependency was cancelled
        AutopilotKit.Configure(_repo);
        var inbox = Path.Combine(_repo.Dir, ".baton", "inbox");
        Directory.CreateDirectory(inbox);
        File.WriteAllText(Path.Combine(inbox, "a.json"), """{"task_id": "for-ghost", "description": "Only ghost can", "worker": "ghost"}""");
        _repo.Baton("inbox").Ok();
        _repo.Baton("ticket", "create", "Parent").Ok();
        _repo.Baton("ticket", "create", "Child", "--depends-on", "T-2").Ok();
        _repo.Baton("ticket", "update", "T-2", "--status", "cancelled").Ok();

        // When the loop runs until done
        var up = _repo.Baton("up", "--until-done", "--plain");

        // Then it ends, says why each cannot start and what needs a person, and exits 1
        Assert.Equal(1, up.ExitCode);
        Assert.Contains("T-1 cannot start: it is meant for worker 'ghost', which does not exist", up.Stdout, StringComparison.Ordinal);
        Assert.Contains("T-3 cannot start: its dependency T-2 (cancelled) will never be done", up.Stdout, StringComparison.Ordinal);
        Assert.Contains("autopilot stopped (every ticket settled)", up.Stdout, StringComparison.Ordinal);
        var human = up.Stdout[up.Stdout.IndexOf("needs a human:", StringComparison.Ordinal)..];
        Assert.Contains("  T-1 cannot start", human, StringComparison.Ordinal);
        Assert.Contains("  T-3 cannot start", human, StringComparison.Ordinal);

        // And the dependency can be dropped, after which the child runs
        _repo.Baton("ticket", "update", "T-3", "--remove-dependency", "T-2").Ok();
        Assert.Empty(AutopilotKit.Show(_repo, "T-3").GetProperty("depends_on").EnumerateArray());
    }

    [Fact]
    public void Usage_of_an_unknown_ticket_fails_like_an_unknown_worker()
    {
        var ticket = _repo.Baton("usage", "--ticket", "T-999");
        var worker = _repo.Baton("usage", "--worker", "nosuch");

        Assert.Equal((2, 2), (ticket.ExitCode, worker.ExitCode));
        Assert.Contains("unknown ticket T-999", ticket.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Status_says_whether_an_autopilot_runs_with_its_pid_start_and_session()
    {
        AutopilotKit.Configure(_repo);
        Assert.Contains("autopilot: not running", _repo.Baton("status").Ok().Stdout, StringComparison.Ordinal);
        Assert.False(_repo.Baton("status", "--json").Ok().Json().GetProperty("autopilot").GetProperty("running").GetBoolean());

        _repo.Baton("up", "--detach").Ok();
        try
        {
            TestRepo.WaitUntil(() => _repo.Baton("status", "--json").Ok().Json().GetProperty("autopilot").GetProperty("since").ValueKind != System.Text.Json.JsonValueKind.Null, "the detached loop has started");
            var json = _repo.Baton("status", "--json").Ok().Json().GetProperty("autopilot");
            Assert.True(json.GetProperty("running").GetBoolean());
            Assert.True(json.GetProperty("pid").GetInt32() > 0);
            Assert.Equal("baton-autopilot", json.GetProperty("session").GetString());
            Assert.Matches(@"autopilot: running \(pid \d+, since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d, detached in tmux session baton-autopilot; `baton down` stops it\)", _repo.Baton("status").Ok().Stdout);
        }
        finally
        {
            _repo.Baton("down").Ok();
        }
    }

    [Fact]
    public void A_persons_done_on_a_ticket_the_autopilot_works_on_needs_force_and_saves_the_work_first()
    {
        AutopilotKit.Configure(_repo);
        AutopilotKit.Ticket(_repo, "Long one", "@sleep 120");
        using var up = _repo.StartBaton("up", "--plain");
        try
        {
            TestRepo.WaitUntil(() => AutopilotKit.Show(_repo, "T-1") is var t && t.GetProperty("status").GetString() == "in-progress"
                && t.GetProperty("worktree").GetString() is { } w && Directory.Exists(w), "T-1 is worked on", 60);
            var worktree = AutopilotKit.Show(_repo, "T-1").GetProperty("worktree").GetString()!;
            File.WriteAllText(Path.Combine(worktree, "half-done.txt"), "work in progress\n");

            var refused = _repo.Baton("ticket", "done", "T-1");
            Assert.Equal(2, refused.ExitCode);
            Assert.Contains("T-1 is being worked on by the autopilot", refused.Stderr, StringComparison.Ordinal);
            Assert.Contains("--force", refused.Stderr, StringComparison.Ordinal);
            Assert.Equal("in-progress", AutopilotKit.Status(_repo, "T-1"));

            var forced = _repo.Baton("ticket", "done", "T-1", "--force").Ok();
            Assert.Contains("T-1: uncommitted work saved as refs/baton/wip/T-1/", forced.Stderr, StringComparison.Ordinal);
            Assert.Equal("done", AutopilotKit.Status(_repo, "T-1"));
            Assert.Contains("refs/baton/wip/T-1/", _repo.Baton("wip", "list", "--ticket", "T-1").Ok().Stdout, StringComparison.Ordinal);
        }
        finally
        {
            _repo.Baton("down");
            up.WaitForExit(30_000);
        }
    }

    [Fact]
    public void Up_takes_task_files_from_the_inbox_itself_and_sets_bad_ones_aside()
    {
        AutopilotKit.Configure(_repo);
        var inbox = Path.Combine(_repo.Dir, ".baton", "inbox");
        Directory.CreateDirectory(inbox);
        var body = AutopilotKit.Work("T-1", "a.txt", "hello").Replace("\n", "\\n", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(inbox, "a.json"), $$"""{"task_id": "write-a", "title": "Write a", "description": "{{body}}"}""");
        File.WriteAllText(Path.Combine(inbox, "bad.json"), "{ not json");

        var up = _repo.Baton("up", "--until-done", "--plain");

        Assert.Equal(0, up.ExitCode);
        Assert.Contains("T-1: imported from inbox/a.json: Write a", up.Stdout, StringComparison.Ordinal);
        Assert.Contains("inbox/bad.json rejected", up.Stdout, StringComparison.Ordinal);
        Assert.Equal("done", AutopilotKit.Status(_repo, "T-1"));
        Assert.True(File.Exists(Path.Combine(_repo.Dir, ".baton", "results", "write-a.json")));
    }

    [Theory]
    [InlineData(false, "killed")]
    [InlineData(true, "exited")]
    public void The_exited_sessions_of_finished_tickets_go_when_up_ends_unless_kept(bool keep, string state)
    {
        // The gate gives the agent time to leave on its own after its report: a merge that came
        // first would end it (killed) before it exits, which is not what this test is about.
        AutopilotKit.Configure(_repo, autopilot: keep ? "keep_exited: true" : "", gate: "commands: [\"sleep 3\"]");
        AutopilotKit.Ticket(_repo, "Write a", AutopilotKit.Work("T-1", "a.txt", "hello") + "\n@exit 0");

        Assert.Equal(0, AutopilotKit.Up(_repo).ExitCode);

        var worker = AutopilotKit.Show(_repo, "T-1").GetProperty("assignee").GetString()!;
        Assert.Equal(state, _repo.State(worker));
        Assert.Equal(keep, _repo.Tmux("has-session", "-t", "=baton-" + worker).ExitCode == 0);
    }
}
