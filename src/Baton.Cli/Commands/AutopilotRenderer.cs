using System.Globalization;
using System.Text.Json;
using Baton.Cli.Host;
using Baton.Cli.Rendering;
using Baton.Core.Dispatch;
using Baton.Core.Storage;
using Baton.Core.Tickets;
using Baton.Core.Workers;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Baton.Cli.Commands;

internal enum AutopilotView
{
    Live,
    Plain,
    Json,
}

/// <summary>How a run of the loop ended: tickets by outcome.</summary>
internal sealed record AutopilotOutcome(int Done, int Failed, int Other, string Reason, int Stuck = 0)
{
    /// <summary>Exit 1: a ticket failed in this run, or one can never start without a person.</summary>
    public bool NeedsHuman => Failed > 0 || Stuck > 0;
}

/// <summary>Shows the loop: a live table (terminal), one line per action (plain), or JSON Lines.</summary>
internal sealed class AutopilotRenderer
{
    private readonly CliHost _host;
    private readonly AutopilotView _view;
    private readonly List<string> _recent = [];
    private string _waiting = "";
    private int _ticks;

    // Tickets already failed or done when the loop started: the summary and exit code speak of this run only.
    private readonly HashSet<long> _failedBefore;
    private readonly HashSet<long> _doneBefore;
    private readonly bool _noTickets;
    private readonly Dictionary<long, TicketStatus> _statuses;
    private long? _statusesVersion;
    private string _stuckShown = "";
    private List<(string Ticket, string Reason)> _stuck = [];

    public AutopilotRenderer(CliHost host, AutopilotView view)
    {
        _host = host;
        _view = view;
        // Statuses only: the rows are read for the few tickets that finish while the loop runs.
        _statuses = host.TicketStore.Statuses().ToDictionary();
        _failedBefore = _statuses.Where(s => s.Value == TicketStatus.Failed).Select(s => s.Key).ToHashSet();
        _doneBefore = _statuses.Where(s => s.Value == TicketStatus.Done).Select(s => s.Key).ToHashSet();
        _noTickets = _statuses.Count == 0;
    }

    private const string NoTickets = "no tickets yet, so nothing to dispatch: file one with `baton ticket create \"TITLE\" --body \"what to do\"` (a running loop takes it within a tick)";

    public async Task RunAsync(Func<Action<TickReport>, Task> loop)
    {
        if (_view != AutopilotView.Live)
        {
            Line("autopilot started (Ctrl-C or `baton down` stops it)");
            if (_noTickets)
            {
                Line(new TickAction("no_tickets", null, null, NoTickets, new Dictionary<string, string>()));
            }

            await loop(Report).ConfigureAwait(false);
            return;
        }

        if (_noTickets)
        {
            _host.Out.WriteLine(NoTickets);
        }

        await _host.Console.Live(new Text("starting…")).AutoClear(false).StartAsync(async ctx =>
        {
            await loop(report =>
            {
                Remember(report);
                // Away from the store there is nothing to read: the last lines say why.
                IRenderable? screen = null;
                if (!report.StoreAway)
                {
                    Readable(() => screen = Screen());
                }

                ctx.UpdateTarget(screen ?? new Text(string.Join('\n', _recent)));
                ctx.Refresh();
            }).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    public AutopilotOutcome Finish(string reason)
    {
        var tickets = _host.TicketStore.ListTickets(new TicketQuery());
        var failed = tickets.Where(t => t.Status == TicketStatus.Failed && !_failedBefore.Contains(t.Number)).ToList();
        var outcome = new AutopilotOutcome(
            tickets.Count(t => t.Status == TicketStatus.Done && !_doneBefore.Contains(t.Number)),
            failed.Count,
            tickets.Count(t => t.Status is not (TicketStatus.Done or TicketStatus.Failed)),
            reason,
            _stuck.Count);

        // What a person has to look at: failures of this run, tickets that cannot start, and those
        // parked for a person (blocked, or in review without automatic merging).
        var human = failed.Select(t => (t.Id, "failed: " + (t.Note ?? "see `baton ticket show " + t.Id + "`")))
            .Concat(_stuck.Select(s => (s.Ticket, "cannot start: " + s.Reason)))
            .Concat(tickets.Where(t => t.Status == TicketStatus.Blocked).Select(t => (t.Id, "blocked: " + (t.Note ?? "no reason given"))))
            .Concat(tickets.Where(t => t.Status == TicketStatus.Review && !_host.Config.Autopilot.AutoMerge).Select(t => (t.Id, "in review: merge it with `baton merge " + t.Id + "` or mark it done")))
            .ToList();
        if (_view == AutopilotView.Json)
        {
            foreach (var (id, why) in human)
            {
                Line(new TickAction("needs_human", id, null, $"{id} {why}", new Dictionary<string, string> { ["reason"] = why }));
            }

            _host.Out.WriteLine(CliJson.Line(new AutopilotSummaryJson(reason, outcome.Done, outcome.Failed, outcome.Other), CliJson.Readable.AutopilotSummaryJson));
        }
        else
        {
            _host.Out.WriteLine($"autopilot stopped ({reason}): in this run {outcome.Done} done, {outcome.Failed} failed; {outcome.Other} not finished");
            if (human.Count > 0)
            {
                _host.Out.WriteLine("needs a human:");
                foreach (var (id, why) in human)
                {
                    _host.Out.WriteLine($"  {id} {why}");
                }
            }
        }

        return outcome;
    }

    private void Report(TickReport report)
    {
        _ticks++;
        foreach (var action in report.Items)
        {
            Line(action);
        }

        if (!report.StoreAway)
        {
            Readable(() => Outcomes(report));
        }

        _stuck = report.Stuck;
        var stuck = string.Join("; ", report.Stuck.Select(w => $"{w.Ticket}: {w.Reason}"));
        if (stuck != _stuckShown)
        {
            // Once per change, not every tick: a ticket that cannot start is said, never waited on silently.
            foreach (var (ticket, why) in report.Stuck)
            {
                Line(new TickAction("cannot_start", ticket, null, $"{ticket} cannot start: {why}", new Dictionary<string, string> { ["reason"] = why }));
            }

            _stuckShown = stuck;
        }

        var waiting = string.Join("; ", report.Waiting.Select(w => $"{w.Ticket}: {w.Reason}"));
        if (waiting != _waiting && waiting.Length > 0)
        {
            if (_view == AutopilotView.Plain)
            {
                Line("waiting: " + waiting);
            }
            else
            {
                foreach (var (ticket, why) in report.Waiting)
                {
                    Line(new TickAction("waiting", ticket, null, $"{ticket}: {why}", new Dictionary<string, string> { ["reason"] = why }));
                }
            }
        }

        _waiting = waiting;
    }

    /// <summary>
    /// Every ticket that finished since the last tick, whoever finished it (the loop after its last
    /// retry or gate attempt, a person's done or cancel, a merged pull request), once.
    /// </summary>
    private void Outcomes(TickReport report)
    {
        // Nothing written since the last look: nothing finished either.
        var version = _host.Store.Version();
        if (version == _statusesVersion)
        {
            return;
        }

        _statusesVersion = version;
        foreach (var (number, status) in _host.TicketStore.Statuses())
        {
            var before = _statuses.GetValueOrDefault(number, status);
            _statuses[number] = status;
            if (before == status || !status.IsFinished() || report.Items.Any(i => i.Ticket == TicketId.Format(number) && i.Type == "merged")
                || _host.TicketStore.GetTicket(number) is not { } t)
            {
                continue;
            }

            var why = t.Status == TicketStatus.Done ? t.Summary : t.Note;
            Line(new TickAction(t.Status.ToText(), t.Id, t.Assignee, $"{t.Id} {t.Status.ToText()}" + (string.IsNullOrWhiteSpace(why) ? "" : ": " + why),
                new Dictionary<string, string> { ["from"] = before.ToText(), ["reason"] = why ?? "" }));
        }
    }

    private void Line(string message) => Line(new TickAction("note", null, null, message, new Dictionary<string, string>()));

    private void Line(TickAction action)
    {
        var now = _host.Time.GetLocalNow();
        if (_view == AutopilotView.Json)
        {
            var line = new AutopilotLineJson(_host.Time.GetUtcNow(), action.Message, action.Type, action.Ticket, action.Worker, action.Fields);
            _host.Out.WriteLine(CliJson.Line(line, CliJson.Readable.AutopilotLineJson));
        }
        else
        {
            _host.Out.WriteLine(now.ToString("HH:mm:ss", CultureInfo.InvariantCulture) + " " + action.Message);
        }
    }

    /// <summary>
    /// A line shown before the loop's own output, whatever the view: plain text as it is (so a
    /// script can read it), one JSON line under --json.
    /// </summary>
    public void Announce(string message)
    {
        if (_view == AutopilotView.Json)
        {
            Line(message);
        }
        else
        {
            _host.Out.WriteLine(message);
        }

        _host.Out.Flush();
    }

    private void Remember(TickReport report)
    {
        _ticks++;
        var now = _host.Time.GetLocalNow().ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        _recent.AddRange(report.Actions.Select(a => now + " " + a));
        if (_recent.Count > 10)
        {
            _recent.RemoveRange(0, _recent.Count - 10);
        }

        _stuck = report.Stuck;
        _waiting = string.Join("; ", report.Waiting.Concat(report.Stuck.Select(x => (Ticket: x.Ticket, Reason: "cannot start: " + x.Reason))).Take(5).Select(w => $"{w.Ticket}: {w.Reason}"));
    }

    /// <summary>
    /// Reads the store for the view; a node's connection may drop between the end of a tick and
    /// this read: the view then skips it, and the next tick finds the store lost and says so.
    /// </summary>
    private void Readable(Action read)
    {
        try
        {
            read();
        }
        catch (Exception e) when (e is not OutOfMemoryException && _host.StoreLinkDown)
        {
        }
    }

    private IRenderable Screen()
    {
        var workers = _host.Store.ListWorkers(includeKilled: false).Where(w => w.State.IsLive()).ToList();
        var tickets = _host.TicketStore.ListTickets(new TicketQuery());
        var now = _host.Time.GetUtcNow();
        var wt = new Table().Border(TableBorder.Simple).AddColumns("worker", "state", "ticket", "for", "evidence");
        foreach (var w in workers)
        {
            var ticket = w.TicketId ?? "-";
            wt.AddRow(Markup.Escape(w.Name), StateMarkup(w.State), ticket, Ago(now - w.StateSince), Markup.Escape(Trim(w.Evidence ?? "", 50)));
        }

        var tt = new Table().Border(TableBorder.Simple).AddColumns("ticket", "status", "worker", "attempts", "title");
        foreach (var t in tickets.OrderBy(t => t.Status.IsFinished()).ThenBy(t => t.Number).Take(15))
        {
            tt.AddRow(t.Id, Markup.Escape(t.Status.ToText()), Markup.Escape(t.Assignee ?? "-"), t.Attempts.ToString(CultureInfo.InvariantCulture), Markup.Escape(Trim(t.Title, 40)));
        }

        var counts = string.Join(", ", tickets.GroupBy(t => t.Status).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key.ToText()}"));
        var rows = new List<IRenderable>
        {
            new Markup($"[bold]Baton autopilot[/] — tick {_ticks} — {workers.Count} live worker{(workers.Count == 1 ? "" : "s")} — tickets: {Markup.Escape(counts.Length == 0 ? "none" : counts)} — Ctrl-C stops"),
            wt,
            tt,
        };
        if (_waiting.Length > 0)
        {
            rows.Add(new Markup("[grey]waiting: " + Markup.Escape(Trim(_waiting, 200)) + "[/]"));
        }

        rows.AddRange(_recent.Select(r => new Text(r)));
        return new Rows(rows);
    }

    private static string StateMarkup(WorkerState state) => state switch
    {
        WorkerState.Busy => "[green]busy[/]",
        WorkerState.Waiting => "[yellow]waiting[/]",
        WorkerState.Paused => "[yellow]paused[/]",
        WorkerState.Idle => "[blue]idle[/]",
        _ => Markup.Escape(state.ToText()),
    };

    private static string Ago(TimeSpan t) => t.TotalHours >= 1 ? $"{t.TotalHours:0}h" : t.TotalMinutes >= 1 ? $"{t.TotalMinutes:0}m" : $"{Math.Max(0, t.TotalSeconds):0}s";

    private static string Trim(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
