using System.Text.Json;
using System.Text.Json.Nodes;
using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Mcp;

/// <summary>`baton mcp` on stdio, driven by the SDK's client, against a real repository, store and tmux.</summary>
public sealed class McpStdioTests : IDisposable
{
    private readonly TestRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    [Fact]
    public async Task The_orchestrator_files_lists_and_reads_tickets_and_every_call_is_an_event()
    {
        await using var client = await McpClients.StdioAsync(_repo);

        var tools = await client.ListToolsAsync();
        Assert.Contains(tools, t => t.Name == "spawn_worker");
        Assert.Contains(tools, t => t.Name == "ask_human");

        var created = await client.OkAsync("create_ticket", new JsonObject { ["title"] = "Add login", ["body"] = "With sk-ant-abcdefghijklmnop1234 in it", ["priority"] = "high", ["labels"] = new JsonArray("api") });
        Assert.Equal("T-1", created.GetProperty("id").GetString());
        var listed = await client.OkAsync("list_tickets");
        Assert.Equal("Add login", listed[0].GetProperty("title").GetString());
        var shown = await client.OkAsync("get_ticket", new JsonObject { ["ticket"] = "1" });
        Assert.Equal("high", shown.GetProperty("priority").GetString());
        var status = await client.OkAsync("status");
        Assert.Equal(1, status.GetProperty("tickets").GetProperty("open").GetInt32());

        // The CLI's own message comes back as a tool error.
        var (text, isError) = await client.CallAsync("get_ticket", new JsonObject { ["ticket"] = "T-9" });
        Assert.True(isError);
        Assert.Equal(_repo.Baton("ticket", "show", "T-9").Stderr.Trim(), "baton: " + text);

        var calls = _repo.Baton("events", "recent", "20", "--type", "mcp_call", "--json").Ok().Json();
        Assert.Equal(5, calls.GetArrayLength());
        var create = calls.EnumerateArray().Single(e => e.GetProperty("metadata").GetProperty("tool").GetString() == "create_ticket");
        Assert.Equal("orchestrator", create.GetProperty("metadata").GetProperty("caller").GetString());
        Assert.Equal("ok", create.GetProperty("metadata").GetProperty("outcome").GetString());
        Assert.DoesNotContain("sk-ant-abcdefghijklmnop1234", create.GetProperty("metadata").GetProperty("arguments").GetString());
        Assert.Contains("[REDACTED]", create.GetProperty("metadata").GetProperty("arguments").GetString());
        Assert.Equal("error", calls[4].GetProperty("metadata").GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task The_orchestrator_plans_a_request_into_filed_tickets()
    {
        const string Graph = """{"tickets": [{"key": "model", "title": "Goal model", "paths": ["src/model/**"], "acceptance": ["model tests pass"]}, {"key": "api", "title": "Goal API", "depends_on": ["model"], "paths": ["src/api/**"], "acceptance": ["api tests pass"]}]}""";
        await using var client = await McpClients.StdioAsync(_repo);

        var plan = await client.OkAsync("plan", new JsonObject { ["request"] = "Add reading goals\n@say " + Graph, ["agent"] = "scripted" });

        Assert.True(plan.GetProperty("filed").GetBoolean());
        var tickets = _repo.Baton("ticket", "list", "--json").Ok().Json();
        Assert.Equal(2, tickets.GetArrayLength());
        var api = tickets.EnumerateArray().Single(t => t.GetProperty("title").GetString() == "Goal API");
        Assert.Single(api.GetProperty("depends_on").EnumerateArray());
    }

    [Fact]
    public async Task A_worker_token_reaches_its_own_ticket_and_is_refused_on_another()
    {
        var token = WorkerToken("w1", "T-1");
        Assert.StartsWith("bw.w1.", token);
        Assert.DoesNotContain(token, File.ReadAllText(Path.Combine(_repo.Dir, ".baton", "mcp", "w1.sha256")));

        await using var client = await McpClients.StdioAsync(_repo, token);

        var names = (await client.ListToolsAsync()).Select(t => t.Name).ToList();
        Assert.Equal(["get_ticket", "report_progress", "ticket_done", "ask_human", "request_handoff", "propose_subtickets", "get_budget"], names);

        var mine = await client.OkAsync("get_ticket");
        Assert.Equal("T-1", mine.GetProperty("id").GetString());
        await client.OkAsync("report_progress", new JsonObject { ["message"] = "tests written" });
        Assert.Equal("tests written", _repo.Baton("ticket", "show", "T-1", "--json").Ok().Json().GetProperty("note").GetString());

        var (other, refused) = await client.CallAsync("report_progress", new JsonObject { ["message"] = "sneaky", ["ticket"] = "T-2" });
        Assert.True(refused);
        Assert.Contains("refused: worker 'w1' works on T-1; its token cannot act on T-2", other);
        Assert.Equal(JsonValueKind.Null, _repo.Baton("ticket", "show", "T-2", "--json").Ok().Json().GetProperty("note").ValueKind);

        var budget = await client.OkAsync("get_budget");
        Assert.Equal("T-1", budget.GetProperty("ticket").GetString());
        Assert.Equal(JsonValueKind.Object, budget.GetProperty("usage").ValueKind);
        Assert.NotEqual(JsonValueKind.Undefined, budget.GetProperty("budgets").ValueKind);

        var (spawn, denied) = await client.CallAsync("spawn_worker", new JsonObject { ["prompt"] = "x" });
        Assert.True(denied);
        Assert.Contains("is for the orchestrator", spawn);

        var last = _repo.Baton("events", "recent", "1", "--type", "mcp_call", "--json").Ok().Json()[0];
        Assert.Equal("worker:w1", last.GetProperty("metadata").GetProperty("caller").GetString());
        Assert.DoesNotContain(token, _repo.Baton("events", "recent", "200", "--json").Ok().Stdout);
    }

    [Fact]
    public void A_stale_worker_token_is_refused_at_start()
    {
        var result = _repo.BatonIn(_repo.Dir, null, "mcp");
        Assert.Equal(0, result.ExitCode); // no token: the orchestrator, stdin closed at once

        _repo.SetEnv("BATON_MCP_TOKEN", "bw.ghost.0123456789012345678901234567890123456789abc");
        var stale = _repo.Baton("mcp");
        Assert.NotEqual(0, stale.ExitCode);
        Assert.Contains("BATON_MCP_TOKEN is not a current worker token", stale.Stderr);
    }

    [Fact]
    public async Task Ask_human_waits_for_the_answer_given_with_inbox_answer()
    {
        var token = WorkerToken("asker", "T-1");
        await using var client = await McpClients.StdioAsync(_repo, token);

        var asking = client.OkAsync("ask_human", new JsonObject { ["question"] = "Which database: sqlite or postgres?", ["wait_seconds"] = 60 });
        long id = 0;
        TestRepo.WaitUntil(() =>
        {
            var open = _repo.Baton("inbox", "questions").Ok().Stdout.Trim();
            return open.Contains("Which database", StringComparison.Ordinal) && long.TryParse(open.Split(' ')[0], out id);
        }, "the question is open", 30);

        var notice = _repo.Baton("events", "recent", "5", "--type", "notification", "--json").Ok().Json()[0];
        Assert.Equal("human_question", notice.GetProperty("metadata").GetProperty("kind").GetString());
        _repo.Baton("inbox", "answer", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "sqlite, for now").Ok();

        var answer = await asking;
        Assert.True(answer.GetProperty("answered").GetBoolean());
        Assert.Equal("sqlite, for now", answer.GetProperty("answer").GetString());
        Assert.Equal("No open questions.", _repo.Baton("inbox", "questions").Ok().Stdout.Trim());
        Assert.Contains("already answered", _repo.Baton("inbox", "answer", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "again").Stderr);

        // Unanswered within the wait: an answer saying so, with the id to wait again.
        var timedOut = await client.OkAsync("ask_human", new JsonObject { ["question"] = "Anyone?", ["wait_seconds"] = 0 });
        Assert.False(timedOut.GetProperty("answered").GetBoolean());
        Assert.True(timedOut.GetProperty("question_id").GetInt64() > id);
    }

    [Fact]
    public async Task Proposed_subtickets_are_checked_and_stored_not_filed()
    {
        var token = WorkerToken("splitter", "T-1");
        await using var client = await McpClients.StdioAsync(_repo, token);

        var (cycle, bad) = await client.CallAsync("propose_subtickets", new JsonObject
        {
            ["tickets"] = new JsonArray(new JsonObject { ["title"] = "Schema", ["depends_on"] = new JsonArray("1") }, new JsonObject { ["title"] = "API", ["depends_on"] = new JsonArray("0") }),
        });
        Assert.True(bad);
        Assert.Contains("cycle", cycle);

        var proposal = await client.OkAsync("propose_subtickets", new JsonObject
        {
            ["tickets"] = new JsonArray(new JsonObject { ["title"] = "Schema" }, new JsonObject { ["title"] = "API", ["body"] = "REST", ["depends_on"] = new JsonArray("0", "T-2") }),
        });
        Assert.Equal("T-1", proposal.GetProperty("parent").GetString());
        Assert.Equal(2, proposal.GetProperty("tickets").GetArrayLength());
        Assert.Equal(2, _repo.Baton("ticket", "list", "--json").Ok().Json().GetArrayLength()); // T-1 and T-2 only: nothing filed
        var stored = _repo.Baton("events", "recent", "1", "--type", "subtickets_proposed", "--json").Ok().Json()[0];
        Assert.Equal(proposal.GetProperty("proposal").GetInt64(), stored.GetProperty("id").GetInt64());
        Assert.Contains("REST", stored.GetProperty("metadata").GetProperty("tickets").GetString());

        // A person accepts it: both filed, the second after the first and T-2; once only.
        var number = proposal.GetProperty("proposal").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var filed = _repo.Baton("ticket", "accept", number, "--json").Ok().Json().EnumerateArray().ToList();
        Assert.Equal(["Schema", "API"], filed.Select(t => t.GetProperty("title").GetString()!).ToArray());
        var schema = filed[0].GetProperty("id").GetString()!;
        Assert.Equal(new[] { schema, "T-2" }.Order(), filed[1].GetProperty("depends_on").EnumerateArray().Select(d => d.GetString()!).Order());
        Assert.Contains("Part of T-1", filed[0].GetProperty("body").GetString(), StringComparison.Ordinal);
        Assert.Equal(4, _repo.Baton("ticket", "list", "--json").Ok().Json().GetArrayLength());
        var again = _repo.Baton("ticket", "accept", number);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("accepted already", again.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, _repo.Baton("ticket", "accept", "999999").ExitCode);
    }

    /// <summary>
    /// Files T-1 and T-2, spawns a scripted worker, gives it T-1, and reads the token Baton put in
    /// its environment (the agent writes it to a file).
    /// </summary>
    private string WorkerToken(string worker, string ticket)
    {
        _repo.Baton("ticket", "create", "First").Ok();
        _repo.Baton("ticket", "create", "Second").Ok();
        var file = Path.Combine(_repo.Dir, worker + ".token");
        _repo.Baton("spawn", "--agent", "scripted", "--name", worker, $"@run printf %s \"$BATON_MCP_TOKEN\" > {worker}.token").Ok();
        TestRepo.WaitUntil(() => File.Exists(file) && File.ReadAllText(file).Length > 40, "the agent wrote its token");
        _repo.WaitForState(worker, "idle");
        _repo.Baton("ticket", "assign", ticket, worker).Ok();
        return File.ReadAllText(file).Trim();
    }
}
