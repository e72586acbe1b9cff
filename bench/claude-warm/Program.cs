using System.Globalization;
using System.Text;
using System.Text.Json;
using Baton.IntegrationTests.Support;
using Baton.IntegrationTests.Support.ModelServer;
using Baton.IntegrationTests.Support.RealAgents;

// bench/claude-warm.sh: the real Claude Code TUI against the scripted model server (127.0.0.1), a
// chain of N tickets under `baton up`, in three modes: cold (a fresh agent per ticket), warm
// (autopilot.reuse_agents: the landed ticket's agent is reset with /clear) and pool
// (autopilot.warm_pool: 1: the next ticket's agent started ahead). Per ticket: claimed
// (task_dispatched) -> its agent working (the prompt taken: worker_prompt_sent of a fresh agent,
// worker_reused of a reused or pooled one), and the parent's report -> that.
var n = int.Parse(Environment.GetEnvironmentVariable("BENCH_CHAIN_N") ?? "4", CultureInfo.InvariantCulture);
var output = args.Length > 0 ? args[0] : "claude-warm-latest.md";
var modes = (Environment.GetEnvironmentVariable("BENCH_MODES") ?? "cold warm pool").Split(' ', StringSplitOptions.RemoveEmptyEntries);
var results = new List<(string Mode, List<double> Claimed, List<double> Link, double Wall, int Spawned, int Reused, bool Done)>();
foreach (var mode in modes)
{
    Console.Error.WriteLine($"==> {mode}: {n} tickets on Claude Code {AgentBinaries.ClaudeVersion}");
    results.Add(Run(mode, n));
}

var md = new StringBuilder();
md.AppendLine(CultureInfo.InvariantCulture, $"# Claude Code cold vs warm (`bash bench/claude-warm.sh`)\n");
md.AppendLine(CultureInfo.InvariantCulture, $"- date: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC; Claude Code {AgentBinaries.ClaudeVersion} against the scripted model server; {n} tickets in a chain; baton: {string.Join(' ', RepoPaths.Baton)}");
md.AppendLine(CultureInfo.InvariantCulture, $"- load at the end: {File.ReadAllText("/proc/loadavg").Trim()}\n");
md.AppendLine("| mode | claimed → agent working, median (each ticket) | parent reported → child working, median | whole chain | agents started / reused | all done |");
md.AppendLine("|---|---:|---:|---:|---:|---|");
foreach (var r in results)
{
    md.AppendLine(CultureInfo.InvariantCulture, $"| {r.Mode} | {Median(r.Claimed):0} ms ({string.Join(", ", r.Claimed.Select(x => x.ToString("0", CultureInfo.InvariantCulture)))}) | {Median(r.Link):0} ms | {r.Wall:0.0} s | {r.Spawned} / {r.Reused} | {(r.Done ? "yes" : "**no**")} |");
}

var cold = results.FirstOrDefault(r => r.Mode == "cold");
foreach (var r in results.Where(r => r.Mode != "cold" && cold.Claimed is { Count: > 0 }))
{
    // The first ticket always starts cold: the saving is over the tickets after it.
    var saved = Median(cold.Claimed.Skip(1).ToList()) - Median(r.Claimed.Skip(1).ToList());
    md.AppendLine(CultureInfo.InvariantCulture, $"\n{r.Mode}: tickets 2..{n} claimed → working {Median(r.Claimed.Skip(1).ToList()):0} ms against cold {Median(cold.Claimed.Skip(1).ToList()):0} ms: **{saved:0} ms saved per ticket** ({Median(cold.Claimed.Skip(1).ToList()) / Math.Max(1, Median(r.Claimed.Skip(1).ToList())):0.0}× faster)");
}

File.WriteAllText(output, md.ToString());
Console.Write(md.ToString());
return 0;

static (string, List<double>, List<double>, double, int, int, bool) Run(string mode, int n)
{
    using var repo = new TestRepo();
    var steps = new List<ModelStep>();
    for (var k = 1; k <= n; k++)
    {
        steps.Add(ModelStep.Run($"git commit -q --allow-empty -m 'T-{k}: link {k}' && baton ticket done T-{k} --summary ok", new ModelUsage(100, 20, 0, 0)));
        steps.Add(ModelStep.Say("DONE", new ModelUsage(20, 5, 0, 100)));
    }

    using var server = new ScriptedModelServer(steps);
    RealAgentSetup.WriteClaudeProfile(repo, server, RealAgentSetup.ClaudeHome(repo), tuiArgs: ["--permission-mode", "acceptEdits"]);
    File.WriteAllText(Path.Combine(repo.Dir, ".baton", "roles", "quick.yaml"), """
        name: quick
        description: A bench role on Claude Code
        agent: claude
        exit_when_done: true
        commit_before_stop: false
        auto_approve: false
        directives: []
        permissions:
          allow: ["Bash(git commit:*)", "Bash(baton:*)"]
          deny: []
          write: ["**"]
          protected_branches: []
        prompt: |
          You are a bench worker. Do what the task says.
        """);
    var autopilot = mode switch
    {
        "warm" => "  max_workers: 1\n  reuse_agents: true\n",
        "pool" => "  max_workers: 2\n  warm_pool: 1\n",
        _ => "  max_workers: 1\n",
    };
    File.WriteAllText(Path.Combine(repo.Dir, ".baton", "config.yaml"),
        "agents:\n  default: claude\nautopilot:\n  tick: 200ms\n  spawns_per_minute: 600\n  spawn_burst: 8\n" + autopilot + "gate:\n  commands: []\n");
    string? previous = null;
    for (var k = 1; k <= n; k++)
    {
        List<string> create = ["ticket", "create", $"link {k}", "--body", $"Make an empty commit and report T-{k} done.", "--role", "quick"];
        if (previous is not null)
        {
            create.AddRange(["--depends-on", previous]);
        }

        repo.Baton([.. create]).Ok();
        previous = $"T-{k}";
    }

    var clock = System.Diagnostics.Stopwatch.StartNew();
    using (var up = repo.StartBaton("up", "--until-done", "--plain"))
    {
        if (!up.WaitForExit(TimeSpan.FromSeconds(60 + 60 * n)))
        {
            up.Kill(entireProcessTree: true);
        }
    }

    var wall = clock.Elapsed.TotalSeconds;
    var events = repo.Baton("events", "recent", "5000", "--json").Ok().Json().EnumerateArray().ToList();
    repo.Baton("kill-all");
    JsonElement? First(string type, string? ticket = null, string? worker = null) =>
        events.Where(e => e.GetProperty("type").GetString() == type
            && (ticket is null || e.GetProperty("ticket").GetString() == ticket)
            && (worker is null || e.GetProperty("worker").GetString() == worker)).Cast<JsonElement?>().FirstOrDefault();
    static DateTimeOffset At(JsonElement e) => DateTimeOffset.Parse(e.GetProperty("time").GetString()!, CultureInfo.InvariantCulture);
    var claimed = new List<double>();
    var link = new List<double>();
    var done = true;
    for (var k = 1; k <= n; k++)
    {
        var id = $"T-{k}";
        if (First("task_dispatched", id) is not { } d)
        {
            done = false;
            break;
        }

        var taken = First("worker_reused", id) ?? First("worker_prompt_sent", worker: d.GetProperty("worker").GetString());
        if (taken is not { } t)
        {
            done = false;
            break;
        }

        claimed.Add((At(t) - At(d)).TotalMilliseconds);
        if (k > 1 && First("task_reported_done", $"T-{k - 1}") is { } reported)
        {
            link.Add((At(t) - At(reported)).TotalMilliseconds);
        }
    }

    done &= First("task_completed", $"T-{n}") is not null;
    if (!done)
    {
        Console.Error.WriteLine(server.Describe());
    }

    return (mode, claimed, link, wall, events.Count(e => e.GetProperty("type").GetString() == "worker_spawned"), events.Count(e => e.GetProperty("type").GetString() == "worker_reused"), done);
}

static double Median(List<double> xs)
{
    if (xs.Count == 0)
    {
        return double.NaN;
    }

    var s = xs.Order().ToList();
    return s.Count % 2 == 1 ? s[s.Count / 2] : (s[(s.Count / 2) - 1] + s[s.Count / 2]) / 2;
}
