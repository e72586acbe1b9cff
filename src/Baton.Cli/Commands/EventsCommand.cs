using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Baton.Cli.Rendering;
using Baton.Core;
using Baton.Core.Workers;

namespace Baton.Cli.Commands;

internal static partial class EventsCommand
{
    [System.Text.RegularExpressions.GeneratedRegex("^[a-z][a-z0-9_]{1,47}$")]
    private static partial System.Text.RegularExpressions.Regex EventType();

    private static Command CreateLog()
    {
        var type = new Argument<string>("type") { Description = "Event type: lowercase letters, digits and '_' (e.g. note, deploy_started)" };
        var message = new Argument<string>("message") { Description = "What happened" };
        var worker = new Option<string?>("--worker", "-w") { Description = "The worker it concerns (default: $BATON_WORKER)" };
        var ticket = new Option<string?>("--ticket") { Description = "The ticket it concerns" };
        var commit = new Option<string?>("--commit") { Description = "A commit it refers to" };
        var log = new Command("log", "Append an event of your own (scripts and agents)") { type, message, worker, ticket, commit, CommandRunner.Json };
        CommandRunner.Bind(log, (parse, host, _) =>
        {
            var t = parse.GetValue(type)!;
            if (!EventType().IsMatch(t))
            {
                throw BatonException.Usage($"invalid event type '{t}': use 2-48 lowercase letters, digits or '_', starting with a letter");
            }

            var name = parse.GetValue(worker) ?? Environment.GetEnvironmentVariable("BATON_WORKER");
            if (name is not null)
            {
                WorkerName.Validate(name);
            }

            var redactor = Baton.Core.Security.Redactor.FromProcessEnvironment();
            host.Store.AppendEvent(new Baton.Core.Events.EventRecord
            {
                Time = host.Time.GetUtcNow(),
                Type = t,
                Worker = name,
                Ticket = parse.GetValue(ticket),
                Commit = parse.GetValue(commit),
                Message = redactor.Redact(parse.GetValue(message)),
            });
            return Task.FromResult(0);
        });
        return log;
    }

    public static Command Create()
    {
        var count = new Argument<int>("count") { Description = "How many of the latest events", Arity = ArgumentArity.ZeroOrOne, DefaultValueFactory = _ => 20 };
        var worker = new Option<string?>("--worker", "-w") { Description = "Only this worker's events" };
        var type = new Option<string?>("--type", "-t") { Description = "Only events of this type, e.g. worker_state_changed" };
        var recent = new Command("recent", "The latest events, oldest first") { count, worker, type, CommandRunner.Json };
        CommandRunner.Bind(recent, (parse, host, _) =>
        {
            var n = parse.GetValue(count);
            if (n is < 1 or > 100_000)
            {
                throw BatonException.Usage($"count must be between 1 and 100000, not {n}");
            }

            var name = parse.GetValue(worker);
            if (name is not null)
            {
                WorkerName.Validate(name);
            }

            var events = host.Store.RecentEvents(n, name, parse.GetValue(type));
            if (parse.GetValue(CommandRunner.Json))
            {
                var rows = events.Select(e => new EventJson(e.Id, e.Time, e.Type, e.Worker, e.Ticket, e.Feature, e.Role, e.Message, e.Commit, e.Metadata)).ToList();
                Console.WriteLine(JsonSerializer.Serialize(rows, CliJsonContext.Default.ListEventJson));
                return Task.FromResult(0);
            }

            foreach (var e in events)
            {
                var time = e.Time.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
                Console.WriteLine($"{time}  {e.Type,-24} {e.Worker ?? "-",-16} {e.Message}");
            }

            return Task.FromResult(0);
        });
        var command = new Command("events", "The append-only history of everything Baton did") { recent, CreateLog() };
        return command;
    }
}
