using System.Collections.Concurrent;
using System.Diagnostics;
using Baton.IntegrationTests.GitHub;
using Baton.IntegrationTests.Support;
using Xunit;
using static Baton.IntegrationTests.Dispatch.AutopilotKit;

namespace Baton.IntegrationTests.Nodes;

/// <summary>
/// On a fleet only the node holding the merge queue talks to GitHub: two real nodes on one real
/// PostgreSQL in pull_request mode, each with a token of its own against a fake GitHub on
/// 127.0.0.1, so every request says which node made it.
/// </summary>
public sealed class FleetGitHubTests : IClassFixture<PostgresServer>, IDisposable
{
    private static readonly string[] Tokens = ["toka" + Guid.NewGuid().ToString("N"), "tokb" + Guid.NewGuid().ToString("N")];
    private readonly TestRepo _repo = new(init: false);
    private readonly FakeGitHub _github = new(Tokens[0]);
    private readonly List<Process> _nodes = [];

    public FleetGitHubTests(PostgresServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        _github.MoreTokens.Add(Tokens[1]);
        var db = server.CreateDatabase();
        _repo.SetEnv("BATON_STORE_PASSWORD", db.Password);
        _repo.SetEnv("GH_TOKEN", "");
        _repo.Baton("init", "--store", db.Url).Ok();
        File.WriteAllText(Path.Combine(_repo.Dir, ".baton", "config.yaml"), $"""
            store:
              url: "{db.Url}"
            agents:
              default: scripted
            autopilot:
              tick: 200ms
              retry_base: 0s
              retry_max: 1s
              spawns_per_minute: 600
              spawn_burst: 10
            merge:
              mode: pull_request
            nodes:
              lease_ttl: 10s
              heartbeat: 1s
              remote: none

            """ + GitHubTests.GitHubSection(_github));
        var bare = Path.Combine(_repo.Dir, ".baton", "remote.git");
        TestRepo.Run("git", ["init", "-q", "--bare", bare], _repo.Dir, null, new Dictionary<string, string>(), TimeSpan.FromSeconds(30));
        _repo.Git("remote", "add", "origin", bare);
    }

    public void Dispose()
    {
        NodeProcesses.Stop(_nodes);
        _github.Dispose();
        _repo.Dispose();
    }

    [Fact]
    public void One_pull_request_is_opened_and_followed_by_the_node_holding_the_merge_queue_alone()
    {
        // Given two running nodes, each with its own GitHub token
        var outputs = new[] { new ConcurrentQueue<string>(), new ConcurrentQueue<string>() };
        foreach (var (name, i) in new[] { "a", "b" }.Select((n, i) => (n, i)))
        {
            _nodes.Add(_repo.StartBaton(new Dictionary<string, string> { ["GITHUB_TOKEN"] = Tokens[i] }, outputs[i], "node", "--name", name, "--capacity", "2", "--plain"));
        }

        string Diagnose() => string.Join('\n', Events(_repo).Select(e => $"{e.GetProperty("time")} {e.GetProperty("type")} {e.GetProperty("message")}"))
            + "\nrequests:\n" + string.Join('\n', _github.Locked(() => _github.Requests.Select(r => $"{r.Method} {r.Path} {Whose(r.Authorization)}").ToList()))
            + "\nnode a:\n" + string.Join('\n', outputs[0]) + "\nnode b:\n" + string.Join('\n', outputs[1]);
        TestRepo.WaitUntil(() => _repo.Baton("nodes", "--json").Ok().Json().GetProperty("nodes").EnumerateArray().Count(n => n.GetProperty("status").GetString() == "running") == 2, "both nodes run", 120, Diagnose);

        // When a ticket passes its gate, and its pull request stays open for a few polls
        var id = Ticket(_repo, "Add login", Work("T-1", "login.txt", "hello"));
        TestRepo.WaitUntil(() => _github.Locked(() => _github.Pulls.Count) == 1, "a pull request was opened", 180, Diagnose);
        TestRepo.WaitUntil(() => _github.RequestsTo("GET", "/pulls/").Count >= 4, "the open pull request was followed for a few polls", 60, Diagnose);

        // Then one pull request was opened, once, and every GitHub request came from one node
        Assert.Single(_github.RequestsTo("POST", "/pulls"));
        Assert.Single(Events(_repo, "pr_opened", id));
        var whose = _github.Locked(() => _github.Requests.Select(r => Whose(r.Authorization)).Distinct().ToList());
        Assert.True(whose.Count == 1, Diagnose());
        Assert.Equal("review", Status(_repo, id));
    }

    private static string Whose(string? authorization) =>
        authorization == "Bearer " + Tokens[0] ? "a" : authorization == "Bearer " + Tokens[1] ? "b" : "none";
}
