using System.Globalization;
using System.Text.Json;
using Baton.IntegrationTests.Support;

namespace Baton.IntegrationTests.Dispatch;

/// <summary>Sets a test repository up for `baton up` with scripted agents, and reads what happened.</summary>
internal static class AutopilotKit
{
    /// <summary>
    /// Writes .baton/config.yaml: scripted agents, a fast loop, no retry backoff and no spawn rate
    /// to wait out (those policies are unit tests on the fake clock); extra lines go into each section.
    /// </summary>
    public static void Configure(TestRepo repo, string autopilot = "", string gate = "", string agents = "")
    {
        File.WriteAllText(Path.Combine(repo.Dir, ".baton", "config.yaml"),
            "agents:\n  default: scripted\n" + Indent(agents)
            + "autopilot:\n" + Indent(Merge("tick: 200ms\nretry_base: 0s\nretry_max: 1s\nspawns_per_minute: 600\nspawn_burst: 10", autopilot))
            + (gate.Length > 0 ? "gate:\n" + Indent(gate) : ""));
    }

    /// <summary>A role like `worker` under another name, with changes (capacity, auto_approve).</summary>
    public static void Role(TestRepo repo, string name, Func<string, string> change)
    {
        var roles = Path.Combine(repo.Dir, ".baton", "roles");
        var text = File.ReadAllText(Path.Combine(roles, "worker.yaml")).Replace("name: worker", "name: " + name, StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(roles, name + ".yaml"), change(text));
    }

    public static string Ticket(TestRepo repo, string title, string body, params string[] extra) =>
        repo.Baton(["ticket", "create", title, "--body", body, "--json", .. extra]).Ok().Json().GetProperty("id").GetString()!;

    /// <summary>A body that writes FILE with TEXT, commits and reports done, after an optional preamble of actions.</summary>
    public static string Work(string id, string file, string text, string before = "") =>
        $"{before}\n@write {file} {text}\n@commit {id}: work on {file}\n@run baton ticket done {id} --summary \"{file} written\"".TrimStart('\n');

    public static CliResult Up(TestRepo repo) => repo.Baton("up", "--until-done", "--plain");

    public static JsonElement Show(TestRepo repo, string id) => repo.Baton("ticket", "show", id, "--json").Ok().Json();

    public static string Status(TestRepo repo, string id) => Show(repo, id).GetProperty("status").GetString()!;

    public static List<JsonElement> Events(TestRepo repo, string? type = null, string? ticket = null)
    {
        List<string> args = ["events", "recent", "5000", "--json"];
        if (type is not null)
        {
            args.AddRange(["--type", type]);
        }

        if (ticket is not null)
        {
            args.AddRange(["--ticket", ticket]);
        }

        return repo.Baton([.. args]).Ok().Json().EnumerateArray().ToList();
    }

    /// <summary>
    /// Most agents alive at once: each lives from its dispatch until it exits (asked to by Baton
    /// once its gate passed) or is killed, whichever Baton saw first.
    /// </summary>
    public static int MostAgentsAtOnce(TestRepo repo)
    {
        var starts = Events(repo, "task_dispatched").Select(e => (Time(e), +1));
        var ends = Events(repo, "worker_exited").Concat(Events(repo, "worker_killed"))
            .GroupBy(e => e.GetProperty("worker").GetString()).Select(g => (g.Min(Time), -1));
        var live = 0;
        var most = 0;
        foreach (var (_, delta) in starts.Concat(ends).OrderBy(x => x.Item1).ThenBy(x => x.Item2))
        {
            live += delta;
            most = Math.Max(most, live);
        }

        return most;
    }

    public static DateTimeOffset Time(JsonElement e) => DateTimeOffset.Parse(e.GetProperty("time").GetString()!, CultureInfo.InvariantCulture);

    public static string Describe(TestRepo repo, CliResult up) =>
        $"up exited {up.ExitCode}\n{up.Stdout}\n{up.Stderr}\nevents:\n" + string.Join('\n', Events(repo).Select(e => $"{e.GetProperty("time")} {e.GetProperty("type")} {e.GetProperty("message")}"));

    /// <summary>"key: value" lines, the second set overriding the first.</summary>
    private static string Merge(string defaults, string overrides)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in (defaults + "\n" + overrides).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            map[line.Split(':')[0].Trim()] = line.Trim();
        }

        return string.Join('\n', map.Values);
    }

    private static string Indent(string lines) =>
        string.Concat(lines.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => "  " + l.Trim() + "\n"));
}
