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
internal sealed record AutopilotOutcome(int Done, int Failed, int Other, string Reason);

/// <summary>Shows the loop: a live table (terminal), one line per action (plain), or JSON Lines.</summary>
internal sealed class AutopilotRenderer
{
    private readonly CliHost _host;
    private readonly AutopilotView _view;
    private readonly List<string> _recent = [];
    private string _waiting = "";
    private int _ticks;

    // Tickets already failed when the loop started: the exit code speaks of this run only.
    private readonly HashSet<long> _failedBefore;

    public AutopilotRenderer(CliHost host, AutopilotView view)
    {
        _host = host;
        _view = view;
        _failedBefore = host.TicketStore.ListTickets(new TicketQuery(TicketStatus.Failed)).Select(t => t.Number).ToHashSet();
    }

    public async Task RunAsync(Func<Action<TickReport>, Task> loop)
    {
        if (_view != AutopilotView.Live)
        {
            Line("autopilot started (Ctrl-C or `baton down` stops it)");
            await loop(Report).ConfigureAwait(false);
            return;
        }

        await _host.Console.Live(new Text("starting…")).AutoClear(false).StartAsync(async ctx =>
        {
            await loop(report =>
            {
                Remember(report);
                ctx.UpdateTarget(Screen());
                ctx.Refresh();
            }).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    public AutopilotOutcome Finish(string reason)
    {
        var tickets = _host.TicketStore.ListTickets(new TicketQuery());
        var outcome = new AutopilotOutcome(
            tickets.Count(t => t.Status == TicketStatus.Done),
            tickets.Count(t => t.Status == TicketStatus.Failed && !_failedBefore.Contains(t.Number)),
            tickets.Count(t => t.Status is not (TicketStatus.Done or TicketStatus.Failed)),
            reason);
        if (_view == AutopilotView.Json)
        {
            _host.Out.WriteLine(CliJson.Line(new AutopilotSummaryJson(reason, outcome.Done, outcome.Failed, outcome.Other), CliJson.Readable.AutopilotSummaryJson));
        }
        else
        {
            _host.Out.WriteLine($"autopilot stopped ({reason}): {outcome.Done} done, {outcome.Failed} failed in this run, {outcome.Other} other");
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

        _waiting = string.Join("; ", report.Waiting.Take(5).Select(w => $"{w.Ticket}: {w.Reason}"));
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
