using System.Net;
using System.Text.Json;
using Baton.Core.Merge;
using Baton.Infrastructure.Storage.Sql;
using Baton.Infrastructure.Storage.Sqlite;
using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Web;

/// <summary>The views' reads over HTTP against the real process, a real store and real git: graph, tickets, events filters, merges, gates, conflicts, usage.</summary>
public sealed class DashboardViewsTests : IDisposable
{
    private readonly TestRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    [Fact]
    public async Task The_graph_is_laid_out_with_its_critical_path_and_the_board_and_events_filter()
    {
        // Given T-1 <- T-2 <- T-3 and T-1 <- T-4, T-5 alone, T-1 done
        var schema = Create("Schema");
        var api = Create("API", "--depends-on", schema);
        var ui = Create("UI", "--depends-on", api);
        Create("Docs", "--depends-on", schema, "--label", "docs");
        Create("Ops");
        _repo.Baton("ticket", "update", schema, "--status", "done").Ok();
        using var dashboard = DashboardProcess.Start(_repo);

        // The graph: five nodes placed left to right along the dependencies; the chain still to do is T-2 -> T-3
        var graph = await GetJson(dashboard, "api/graph");
        var nodes = graph.GetProperty("nodes").EnumerateArray().ToDictionary(n => n.GetProperty("id").GetString()!);
        Assert.Equal(5, nodes.Count);
        Assert.Equal([api, ui], graph.GetProperty("critical_path").EnumerateArray().Select(e => e.GetString()!));
        Assert.True(nodes[api].GetProperty("critical").GetBoolean());
        Assert.False(nodes[schema].GetProperty("critical").GetBoolean());
        Assert.Equal("done", nodes[schema].GetProperty("status").GetString());
        Assert.True(nodes[schema].GetProperty("x").GetInt32() < nodes[api].GetProperty("x").GetInt32());
        Assert.True(nodes[api].GetProperty("x").GetInt32() < nodes[ui].GetProperty("x").GetInt32());
        var edges = graph.GetProperty("edges").EnumerateArray().ToList();
        Assert.Equal(3, edges.Count(e => e.GetProperty("kind").GetString() == "depends"));
        Assert.Single(edges, e => e.GetProperty("critical").GetBoolean());
        Assert.True(graph.GetProperty("width").GetInt32() > 0);
        Assert.Equal(0, graph.GetProperty("omitted").GetInt32());
        await AssertError(dashboard, "api/graph?feature=nope", HttpStatusCode.NotFound, "unknown feature");

        // The board asks for more than the CLI's default, or fewer
        Assert.Equal(2, (await GetJson(dashboard, "api/tickets?limit=2")).GetArrayLength());
        Assert.Equal(5, (await GetJson(dashboard, "api/tickets?limit=100000")).GetArrayLength());
        await AssertError(dashboard, "api/tickets?limit=0", HttpStatusCode.BadRequest, "limit");

        // Events by ticket (T-n or n), type and worker: exact matches, oldest first
        var ofSchema = (await GetJson(dashboard, "api/events?ticket=1")).EnumerateArray().ToList();
        Assert.NotEmpty(ofSchema);
        Assert.All(ofSchema, e => Assert.Equal(schema, e.GetProperty("ticket").GetString()));
        Assert.Contains(ofSchema, e => e.GetProperty("type").GetString() == "ticket_updated" || e.GetProperty("type").GetString() == "task_completed");
        var created = (await GetJson(dashboard, "api/events?type=ticket_created&limit=3")).EnumerateArray().Select(e => e.GetProperty("ticket").GetString()).ToList();
        Assert.Equal(["T-3", "T-4", "T-5"], created);
        Assert.Empty((await GetJson(dashboard, "api/events?worker=nobody")).EnumerateArray());
        await AssertError(dashboard, "api/events?ticket=banana", HttpStatusCode.BadRequest, "banana");
        await AssertError(dashboard, "api/events?worker=bad%20name", HttpStatusCode.BadRequest, "bad name");
    }

    [Fact]
    public async Task Merges_gate_runs_conflicts_and_usage_are_listed_as_the_commands_print_them()
    {
        // Given two ticket branches that change the same line, one queued to merge, and a failed gate run
        WriteLine("a.txt", "base");
        Commit("base");
        var x = Branch("x", "x was here");
        var w = Branch("w", "w was here");
        Assert.Equal(1, _repo.Baton("conflicts", "--no-notify").ExitCode);
        _repo.Baton("merge", x, "--into", "main").Ok();
        using (var store = SqliteStore.Open(Path.Combine(_repo.Dir, ".baton", "baton.db"), create: false))
        {
            var gates = new SqlMergeStore(store);
            var run = gates.AddGateRun(new GateRun { Ticket = 2, Branch = "w", Kind = "worktree", Status = "running", StartedAt = DateTimeOffset.UtcNow });
            gates.FinishGateRun(run with { Status = "failed", Passed = 11, Failed = 2, Skipped = 1, Output = "FAIL test_login: expected 200, got 500", FinishedAt = DateTimeOffset.UtcNow });
        }

        using var dashboard = DashboardProcess.Start(_repo);

        // The merge queue, as `baton merge-queue --json`
        var queue = await GetJson(dashboard, "api/merges");
        Assert.Equal(_repo.Baton("merge-queue", "--json").Ok().Json().ToString(), queue.ToString());
        var first = Assert.Single(queue.EnumerateArray());
        Assert.Equal((x, "x", 1), (first.GetProperty("ticket").GetString(), first.GetProperty("branch").GetString(), first.GetProperty("position").GetInt32()));
        await AssertError(dashboard, "api/merges?finished=-1", HttpStatusCode.BadRequest, "finished");

        // Gate runs with their counts and output, of one ticket or all
        var gate = Assert.Single((await GetJson(dashboard, "api/gates")).EnumerateArray());
        Assert.Equal(("failed", 11, 2, w), (gate.GetProperty("status").GetString(), gate.GetProperty("passed").GetInt32(), gate.GetProperty("failed").GetInt32(), gate.GetProperty("ticket").GetString()));
        Assert.Contains("expected 200, got 500", gate.GetProperty("output").GetString(), StringComparison.Ordinal);
        Assert.Empty((await GetJson(dashboard, $"api/gates?ticket={x}")).EnumerateArray());
        await AssertError(dashboard, "api/gates?ticket=T-99", HttpStatusCode.NotFound, "unknown ticket T-99");
        await AssertError(dashboard, "api/gates?limit=0", HttpStatusCode.BadRequest, "limit");

        // The conflict `baton conflicts` recorded, with its tickets and files
        var conflict = Assert.Single((await GetJson(dashboard, "api/conflicts")).EnumerateArray());
        Assert.Equal(["w", "x"], new[] { conflict.GetProperty("branch_a").GetString()!, conflict.GetProperty("branch_b").GetString()! }.Order(StringComparer.Ordinal));
        Assert.Equal(new[] { w, x }.Order(StringComparer.Ordinal), new[] { conflict.GetProperty("ticket_a").GetString()!, conflict.GetProperty("ticket_b").GetString()! }.Order(StringComparer.Ordinal));
        Assert.Equal(["a.txt"], conflict.GetProperty("files").EnumerateArray().Select(f => f.GetString()!));

        // The graph draws it as an edge between the two live tickets
        var graph = await GetJson(dashboard, "api/graph");
        var edge = Assert.Single(graph.GetProperty("edges").EnumerateArray(), e => e.GetProperty("kind").GetString() == "conflict");
        Assert.Equal(["a.txt"], edge.GetProperty("files").EnumerateArray().Select(f => f.GetString()!));

        // Usage as `baton usage --json` (nothing ran: zeros)
        Assert.Equal(_repo.Baton("usage", "--json").Ok().Json().ToString(), (await GetJson(dashboard, "api/usage")).ToString());
    }

    private string Create(string title, params string[] extra) =>
        _repo.Baton(["ticket", "create", title, "--json", .. extra]).Ok().Json().GetProperty("id").GetString()!;

    private string Branch(string name, string line)
    {
        _repo.Git("checkout", "-q", "-b", name, "main");
        WriteLine("a.txt", line);
        Commit(name);
        _repo.Git("checkout", "-q", "main");
        var id = Create("work on " + name);
        _repo.Baton("ticket", "update", id, "--branch", name, "--status", "in-progress").Ok();
        return id;
    }

    private void WriteLine(string file, string text) => File.WriteAllText(Path.Combine(_repo.Dir, file), text + "\n");

    private void Commit(string message)
    {
        _repo.Git("add", "-A");
        _repo.Git("commit", "-q", "-m", message);
    }

    internal static async Task<JsonElement> GetJson(DashboardProcess dashboard, string path)
    {
        using var response = await dashboard.Client.GetAsync(new Uri(path, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    internal static async Task AssertError(DashboardProcess dashboard, string path, HttpStatusCode status, string contains)
    {
        using var response = await dashboard.Client.GetAsync(new Uri(path, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{path}: {(int)response.StatusCode} {body}");
        Assert.Contains(contains, JsonDocument.Parse(body).RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }
}
