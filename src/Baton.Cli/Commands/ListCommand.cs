using System.CommandLine;
using System.Text.Json;
using Baton.Cli.Host;
using Baton.Cli.Rendering;
using Baton.Core.Workers;
using Spectre.Console;

namespace Baton.Cli.Commands;

/// <summary>`baton list`: every worker Baton owns, with its state, from one tmux call.</summary>
internal static class ListCommand
{
    public static Command Create()
    {
        var all = new Option<bool>("--all") { Description = "Also show workers that were killed" };
        var why = new Option<bool>("--why") { Description = "Add the evidence behind each state" };
        var command = new Command("list", "Every worker Baton owns: name, agent, state, directory, age, seconds since last output") { all, why, CommandRunner.Json };
        command.Aliases.Add("ls");
        CommandRunner.Bind(command, (parse, host, _) =>
        {
            var views = host.Monitor().Refresh(parse.GetValue(all));
            var now = host.Time.GetUtcNow();
            var contexts = views.Count == 0 ? [] : WorkerRows.Contexts(host.UsageStore.List(), host.Config.Handoff.Windows);
            if (parse.GetValue(CommandRunner.Json))
            {
                var rows = views.Select(v => WorkerRows.ToJson(v.Worker, v.Session, now, contexts.GetValueOrDefault(v.Worker.Name))).ToList();
                host.Out.WriteLine(JsonSerializer.Serialize(rows, CliJson.Readable.ListWorkerJson));
                return Task.FromResult(0);
            }

            if (views.Count == 0)
            {
                host.Out.WriteLine("No workers. Start one with: baton spawn --name NAME \"TASK\"");
                return Task.FromResult(0);
            }

            var table = new Table().Border(TableBorder.Simple);
            table.AddColumns("NAME", "AGENT", "STATE", "TICKET", "DIRECTORY", "AGE", "QUIET", "CONTEXT");
            if (parse.GetValue(why))
            {
                table.AddColumn("WHY");
            }

            foreach (var v in views)
            {
                var w = v.Worker;
                var cells = new List<string>
                {
                    Markup.Escape(w.Name),
                    Markup.Escape(w.Agent + (w.Mode == WorkerMode.Headless ? " (headless)" : "")),
                    StateMarkup(w),
                    // A warm pool agent (autopilot.warm_pool) waits, started, for its ticket.
                    w.Ticket is { } ticket ? Baton.Core.Tickets.TicketId.Format(ticket) : Baton.Core.Dispatch.WarmPool.IsPooled(w) && w.State.IsLive() ? "[cyan](warm pool)[/]" : "",
                    Markup.Escape(ShortPath(host, w.Directory)),
                    WorkerRows.Duration((long)(now - w.CreatedAt).TotalSeconds),
                    WorkerRows.Duration(WorkerRows.SecondsSinceOutput(w, v.Session, now)),
                    WorkerRows.Percent(contexts.GetValueOrDefault(w.Name)),
                };
                if (parse.GetValue(why))
                {
                    cells.Add(Markup.Escape(w.Evidence ?? ""));
                }

                table.AddRow(cells.ToArray());
            }

            host.Console.Write(table);
            return Task.FromResult(0);
        });
        return command;
    }

    private static string StateMarkup(Worker w)
    {
        var text = w.State.ToText() + (w.State == WorkerState.Exited && w.ExitCode is { } code ? $" ({code})" : "");
        var colour = w.State switch
        {
            WorkerState.Idle => "green",
            WorkerState.Busy => "blue",
            WorkerState.Waiting => "yellow",
            WorkerState.Starting => "grey",
            WorkerState.Exited => w.ExitCode == 0 ? "grey" : "red",
            WorkerState.Lost => "red",
            _ => "grey",
        };
        return $"[{colour}]{Markup.Escape(text)}[/]";
    }

    private static string ShortPath(CliHost host, string path)
    {
        var home = host.Environment.Variable("HOME");
        return home is not null && path.StartsWith(home + "/", StringComparison.Ordinal) ? "~" + path[home.Length..] : path;
    }
}
