using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Tickets;

/// <summary>The ticket lifecycle through the real CLI and a real SQLite store.</summary>
public sealed class TicketLifecycleTests : IDisposable
{
    private readonly TestRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    private string Create(params string[] args) => _repo.Baton(["ticket", "create", .. args, "--json"]).Ok().Json().GetProperty("id").GetString()!;

    [Fact]
    public void A_ticket_goes_from_open_to_done_with_its_events_and_results_file()
    {
        // Given
        _repo.Baton("feature", "add", "003-reading-goals", "Reading Goals Tracker").Ok();
        var t1 = Create("Add JWT auth", "--body", "login/logout/refresh", "--priority", "high", "--label", "backend");
        var t2 = Create("Auth UI", "--depends-on", t1, "--feature", "003-reading-goals");
        Assert.Equal(("T-1", "T-2"), (t1, t2));

        // When T-1 moves through its states
        Assert.Equal(["T-1"], ReadyIds());
        _repo.Baton("ticket", "update", "1", "--status", "in-progress", "--note", "started").Ok();
        _repo.Baton("ticket", "update", "T-1", "--status", "blocked", "--note", "waiting on API keys").Ok();
        _repo.Baton("ticket", "update", "T-1", "--status", "in-progress").Ok();
        _repo.Baton("ticket", "done", "T-1", "--summary", "JWT added", "--artifact", "src/auth.cs").Ok();

        // Then T-2 is ready, and the history and results file tell the story
        Assert.Equal(["T-2"], ReadyIds());
        var shown = _repo.Baton("ticket", "show", "T-1", "--json").Ok().Json();
        Assert.Equal("done", shown.GetProperty("status").GetString());
        Assert.Equal("JWT added", shown.GetProperty("summary").GetString());
        Assert.Equal("T-2", shown.GetProperty("dependents")[0].GetString());
        var types = _repo.Baton("events", "recent", "50", "--ticket", "T-1", "--json").Ok().Json()
            .EnumerateArray().Select(e => e.GetProperty("type").GetString()).ToList();
        Assert.Equal(["ticket_created", "ticket_updated", "task_started", "status_update", "ticket_updated", "task_blocked", "status_update", "ticket_updated", "task_started", "ticket_updated", "task_completed"], types);
        var result = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(_repo.Dir, ".baton", "results", "T-1.json"))).RootElement;
        Assert.Equal("done", result.GetProperty("status").GetString());
        Assert.Equal("src/auth.cs", result.GetProperty("artifacts")[0].GetString());
        Assert.True(result.GetProperty("execution_time").GetDouble() >= 0);
    }

    [Fact]
    public void Illegal_transitions_bad_input_and_cycles_are_refused_with_exit_code_2()
    {
        Create("A");
        Create("B", "-d", "T-1");
        Create("C", "-d", "T-2");

        var illegal = _repo.Baton("ticket", "update", "T-1", "--status", "review");
        Assert.Equal(2, illegal.ExitCode);
        Assert.Contains("cannot move T-1 from open to review; from open it can go to: queued, in-progress, blocked, cancelled, done", illegal.Stderr);

        var cycle = _repo.Baton("ticket", "update", "T-1", "--depends-on", "T-3");
        Assert.Equal(2, cycle.ExitCode);
        Assert.Contains("T-1 -> T-3 -> T-2 -> T-1", cycle.Stderr);

        Assert.Equal(2, _repo.Baton("ticket", "show", "T-99").ExitCode);
        Assert.Equal(2, _repo.Baton("ticket", "update", "T-1", "--status", "finished").ExitCode);
        Assert.Equal(2, _repo.Baton("ticket", "create", "x", "--priority", "urgent").ExitCode);
        Assert.Equal(2, _repo.Baton("ticket", "create", "   ").ExitCode);
        Assert.Equal(2, _repo.Baton("ticket", "create", "x", "--feature", "nope").ExitCode);
        Assert.Equal(2, _repo.Baton("ticket", "create", "x", "-d", "T-42").ExitCode);
        Assert.Contains("the title is empty", _repo.Baton("ticket", "create", "").Stderr);
        var twoLines = _repo.Baton("ticket", "create", "Fix login\nand also the logout");
        Assert.Equal(2, twoLines.ExitCode);
        Assert.Contains("the title has more than one line", twoLines.Stderr);
    }

    [Fact]
    public void Aliases_are_accepted_and_a_failed_dependency_blocks_its_dependents()
    {
        Create("Parent");
        Create("Child", "-d", "1");
        _repo.Baton("ticket", "update", "1", "--status", "in-progress").Ok();
        _repo.Baton("ticket", "update", "1", "--status", "pr-ready").Ok();
        Assert.Equal("review", _repo.Baton("ticket", "show", "1", "--json").Ok().Json().GetProperty("status").GetString());
        _repo.Baton("ticket", "update", "1", "--status", "failed").Ok();

        var child = _repo.Baton("ticket", "show", "2", "--json").Ok().Json();

        Assert.False(child.GetProperty("ready").GetBoolean());
        Assert.Equal("T-1", child.GetProperty("blocked_by")[0].GetString());
        Assert.Contains("blocked by T-1", _repo.Baton("status").Ok().Stdout);
    }

    [Fact]
    public void Ready_tickets_come_in_dispatch_order_priority_then_age()
    {
        Create("low one", "-p", "low");
        Create("medium old");
        Create("critical", "-p", "critical");
        Create("medium new");
        Create("waits", "-d", "1", "-p", "critical");

        Assert.Equal(["T-3", "T-2", "T-4", "T-1"], ReadyIds());
    }

    [Fact]
    public void Assign_types_the_ticket_to_a_live_worker_and_refuses_what_it_must()
    {
        // Given a ticket whose body makes the scripted agent save the prompt it receives
        _repo.Baton("spawn", "--agent", "scripted", "--name", "auth-worker").Ok();
        Create("Add JWT auth", "--body", "Implement it.\n@dump received.txt", "-l", "backend");
        Create("Later", "-d", "T-1");

        // When
        var assigned = _repo.Baton("ticket", "assign", "T-1", "auth-worker", "--json").Ok().Json();

        // Then the assignment is recorded and the agent got the ticket, with how to report
        Assert.Equal("auth-worker", assigned.GetProperty("ticket").GetProperty("assignee").GetString());
        Assert.Equal("in-progress", assigned.GetProperty("ticket").GetProperty("status").GetString());
        Assert.True(assigned.GetProperty("verified").GetBoolean());
        var path = Path.Combine(_repo.Dir, "received.txt");
        TestRepo.WaitUntil(() => File.Exists(path), "the worker saved the ticket prompt");
        var prompt = File.ReadAllText(path);
        Assert.Contains("ticket T-1: Add JWT auth", prompt);
        Assert.Contains("Labels: backend", prompt);
        Assert.Contains("baton ticket done T-1", prompt);

        // And what must be refused is
        Assert.Contains("already assigned to auth-worker", _repo.Baton("ticket", "assign", "T-1", "auth-worker").Stderr);
        Assert.Contains("unknown worker 'ghost'", _repo.Baton("ticket", "assign", "T-2", "ghost").Stderr);
        Assert.Contains("T-2 is not ready: it waits for T-1", _repo.Baton("ticket", "assign", "T-2", "auth-worker").Stderr);
    }

    [Fact]
    public void Export_writes_markdown_csv_and_json()
    {
        _repo.Baton("feature", "add", "f1", "Feature One").Ok();
        Create("Done, with a comma", "-f", "f1");
        Create("Open one", "-f", "f1");
        Create("Elsewhere");
        _repo.Baton("ticket", "done", "T-1", "--summary", "said \"done\"").Ok();

        var md = _repo.Baton("export", "f1", "--format", "md").Ok().Stdout;
        var csvFile = Path.Combine(_repo.Dir, "out.csv");
        _repo.Baton("export", "f1", "--format", "csv", "-o", csvFile).Ok();
        var json = _repo.Baton("export", "f1", "--format", "json").Ok().Json();

        Assert.Contains("# Feature One (f1)", md);
        Assert.Contains("**1 of 2 done.**", md);
        Assert.Contains("| [x] | T-1 | done |", md);
        Assert.DoesNotContain("Elsewhere", md);
        var csv = File.ReadAllLines(csvFile);
        Assert.Equal(3, csv.Length);
        Assert.StartsWith("T-1,\"Done, with a comma\",done,", csv[1]);
        Assert.Contains("\"said \"\"done\"\"\"", csv[1]);
        Assert.Equal(2, json.GetArrayLength());
    }

    private List<string> ReadyIds() =>
        _repo.Baton("ticket", "list", "--ready", "--json").Ok().Json().EnumerateArray().Select(t => t.GetProperty("id").GetString()!).ToList();
}
