using System.CommandLine;
using System.Text.Json;
using Baton.Cli.Rendering;
using Baton.Core;
using Baton.Core.Storage;
using Baton.Core.Tickets;
using Baton.Core.Workers;

namespace Baton.Cli.Commands;

/// <summary>`baton status [FEATURE]`: features, tickets by state, workers, blockers and conflicts at a glance.</summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var feature = new Argument<string?>("feature") { Description = "Only this feature", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("status", "Features, tickets by state, workers, blockers and conflicts") { feature, CommandRunner.Json };
        CommandRunner.Bind(command, (parse, host, _) =>
        {
            var name = parse.GetValue(feature);
            if (name is not null && host.TicketStore.GetFeature(name) is null)
            {
                throw BatonException.Usage($"unknown feature '{name}': add it with `baton feature add {name} \"TITLE\"`");
            }

            // Counted and listed by the store, never read row by row: status stays quick at 100,000 tickets.
            var byStatus = host.TicketStore.StatusCounts(name);
            var counts = TicketStatuses.All.ToDictionary(s => s.ToText(), s => byStatus.GetValueOrDefault(s));
            var total = byStatus.Values.Sum();
            var ready = host.TicketStore.ReadyNumbers(name).Select(TicketId.Format).ToList();
            var features = host.TicketStore.FeatureStatuses().Where(f => name is null || f.Feature == name).ToList();
            var workers = host.Monitor().Refresh();
            var now = host.Time.GetUtcNow();
            var recorded = host.TicketStore.ActiveBlockers();
            var withRow = recorded.Select(b => b.Ticket).OfType<long>().ToHashSet();
            var blockers = recorded.Select(b => $"{(b.Ticket is { } t ? TicketId.Format(t) + " " : "")}{b.Kind}: {b.Description}")
                .Concat(host.TicketStore.StuckDependencies(name).GroupBy(d => d.Ticket)
                    .Select(g => $"{TicketId.Format(g.Key)} dependency: blocked by {string.Join(", ", g.Select(d => d.DependsOn).Distinct().Order().Select(TicketId.Format))}"))
                .Concat(host.TicketStore.ListTickets(new TicketQuery(TicketStatus.Blocked, Feature: name)).Where(t => !withRow.Contains(t.Number)).Select(t => $"{t.Id} blocked: {t.Note ?? "no reason given"}"))
                .ToList();
            var conflicts = host.TicketStore.ActiveConflicts().Select(c => $"{c.Severity}: {c.BranchA}{(c.BranchB.Length == 0 ? "" : " <-> " + c.BranchB)} ({FileList(c.Files)})").ToList();
            var autopilot = Autopilot(host);
            var budgets = host.Budgets().Overview();
            var held = budgets.Held.Select(h => $"{h.Scope}: {h.Why}").ToList();
            var disk = Disk(host);
            var nodes = NodesCommand.Rows(host.LeaseStore, now);

            if (parse.GetValue(CommandRunner.Json))
            {
                host.Out.WriteLine(JsonSerializer.Serialize(new StatusJson(
                    features.Select(f => new FeatureStatusJson(f.Feature, f.Title, f.Tickets, f.Done, f.Active, f.Waiting, f.Blocked, f.Failed, f.Cancelled)).ToList(),
                    counts, ready, workers.Select(v => WorkerRows.ToJson(v.Worker, v.Session, now)).ToList(), blockers, conflicts, autopilot)
                {
                    Budgets = budgets.Budgets.Where(l => l.State != "ok" && l.Counts).Select(l => $"{l.Ticket ?? l.Budget.Scope}: {l.Budget.Name} {l.State} ({l.Budget.Format(l.Spent)} of {l.Budget.Format(l.Budget.Limit)})").ToList(),
                    Held = held,
                    Disk = disk,
                    Nodes = nodes.Count == 0 ? null : nodes,
                }, CliJson.Readable.StatusJson));
                return Task.FromResult(0);
            }

            foreach (var f in features)
            {
                host.Out.WriteLine($"feature {f.Feature}: {f.Title} — {f.Done}/{f.Tickets} done, {f.Active} active, {f.Waiting} waiting, {f.Blocked} blocked, {f.Failed} failed");
            }

            host.Out.WriteLine(total == 0
                ? "tickets: none yet (file one with `baton ticket create \"TITLE\"`)"
                : $"tickets: {total} — " + string.Join(", ", counts.Where(c => c.Value > 0).Select(c => $"{c.Value} {c.Key}")));
            host.Out.WriteLine("ready: " + (ready.Count == 0 ? "none" : string.Join(", ", ready.Take(20)) + (ready.Count > 20 ? $" (+{ready.Count - 20})" : "")));
            host.Out.WriteLine("autopilot: " + (!autopilot.Running ? "not running (start it with `baton up`)"
                : $"running (pid {(autopilot.Pid is { } pid and > 0 ? pid.ToString(System.Globalization.CultureInfo.InvariantCulture) : "unknown")}"
                    + (autopilot.Since is { } since ? $", since {since.ToLocalTime():yyyy-MM-dd HH:mm:ss}" : "")
                    + (autopilot.Session is { } session ? $", detached in tmux session {session}" : ", in a terminal")
                    + "; `baton down` stops it)"));
            var live = workers.Where(v => v.Worker.State.IsLive()).ToList();
            host.Out.WriteLine($"workers: {live.Count} live" + (live.Count == 0 ? "" : " — " + string.Join(", ", live.Select(v => $"{v.Worker.Name} {v.Worker.State.ToText()}"))));
            host.Out.WriteLine("blockers: " + (blockers.Count == 0 ? "none" : ""));
            foreach (var b in blockers)
            {
                host.Out.WriteLine("  " + b);
            }

            if (budgets.Budgets.Count > 0 || held.Count > 0)
            {
                var over = budgets.Budgets.Where(l => l.State != "ok" && l.Counts).ToList();
                host.Out.WriteLine($"budgets: {budgets.Budgets.Select(l => l.Budget.Key).Distinct().Count()} set"
                    + (over.Count == 0 ? ", all within their limits" : ", " + string.Join("; ", over.Select(l => $"{l.Ticket ?? l.Budget.Scope} {l.State} ({l.Budget.Format(l.Spent)} of {l.Budget.Format(l.Budget.Limit)})"))));
                foreach (var h in held)
                {
                    host.Out.WriteLine("  held: " + h);
                }
            }

            if (nodes.Count > 0)
            {
                host.Out.WriteLine($"nodes: {nodes.Count(n => n.Status == "running")} running, {nodes.Count(n => n.Status == "stopped")} stopped, {nodes.Count(n => n.Status == "lost")} lost (`baton nodes` has the leases)");
                foreach (var n in nodes)
                {
                    host.Out.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                        $"  {n.Name} {n.Status}, {n.Leases.Count}/{n.Capacity} leases held, heartbeat {n.HeartbeatSecondsAgo}s ago"));
                }
            }

            host.Out.WriteLine("conflicts: " + (conflicts.Count == 0 ? "none" : ""));
            foreach (var c in conflicts)
            {
                host.Out.WriteLine("  " + c);
            }

            host.Out.WriteLine($"worktrees: {disk.Worktrees.Count}, {WorktreeDiskJson.Human(disk.TotalBytes)} on disk" + (disk.Worktrees.Count == 0 ? "" : " (`baton gc` removes finished tickets' ones)"));
            foreach (var w in disk.Worktrees.OrderByDescending(w => w.Bytes).Take(10))
            {
                host.Out.WriteLine($"  {WorktreeDiskJson.Human(w.Bytes),10}  {w.Ticket ?? "-"}  {w.Path}");
            }

            return Task.FromResult(0);
        });
        return command;
    }

    /// <summary>Each linked worktree git knows (wherever it is: the main checkout aside) with its ticket and size.</summary>
    private static WorktreeDiskJson Disk(Baton.Cli.Host.CliHost host)
    {
        var root = Path.GetFullPath(host.Paths.Root).TrimEnd('/');
        var owners = host.TicketStore.Worktrees().GroupBy(t => Path.GetFullPath(t.Worktree).TrimEnd('/'), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => TicketId.Format(g.Max(t => t.Ticket)), StringComparer.Ordinal);
        var rows = host.Git.Worktrees(host.Paths.Root)
            .Select(w => (Path: Path.GetFullPath(w.Path).TrimEnd('/'), w.Branch))
            .Where(w => w.Path != root && Directory.Exists(w.Path))
            .Select(w => new WorktreeUsageJson(w.Path, owners.GetValueOrDefault(w.Path), w.Branch, WorktreeDiskJson.SizeOf(w.Path)))
            .ToList();
        return new WorktreeDiskJson(rows.Sum(r => r.Bytes), rows);
    }

    /// <summary>Whether a loop holds the lock (asked without taking it), since its last start, and its session when detached.</summary>
    private static AutopilotStatusJson Autopilot(Baton.Cli.Host.CliHost host)
    {
        if (host.AutopilotLock.Holder() is not { } pid)
        {
            return new AutopilotStatusJson(false, null, null, null);
        }

        var started = host.Store.RecentEvents(new EventQuery(1, Type: Baton.Core.Events.EventTypes.AutopilotStarted)).LastOrDefault()?.Time;
        var control = host.AutopilotControl();
        string? session = null;
        try
        {
            session = host.Tmux(host.Config.TmuxSocket).ListSessions().Any(s => s.Name == control.Session) ? control.Session : null;
        }
        catch (BatonException)
        {
            // No tmux server: the loop runs in a terminal.
        }

        return new AutopilotStatusJson(true, pid > 0 ? pid : null, started, session);
    }

    // Stored as a JSON array: shown as a list of names.
    private static string FileList(string files)
    {
        try
        {
            return files.StartsWith('[') ? string.Join(", ", JsonSerializer.Deserialize(files, CliJson.Readable.ListString) ?? []) : files;
        }
        catch (JsonException)
        {
            return files;
        }
    }
}
