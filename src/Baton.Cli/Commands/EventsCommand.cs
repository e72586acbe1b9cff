using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Baton.Cli.Host;
using Baton.Cli.Rendering;
using Baton.Core;
using Baton.Core.Events;
using Baton.Core.Storage;
using Baton.Core.Tickets;
using Baton.Core.Workers;

namespace Baton.Cli.Commands;

/// <summary>`baton events recent|log|import`: the event log (EventService) printed as text, JSON or JSON Lines.</summary>
internal static class EventsCommand
{
    private static void Print(CliHost host, IReadOnlyList<EventRecord> events, bool json)
    {
        if (json)
        {
            host.Out.WriteLine(JsonSerializer.Serialize(events.Select(ToJson).ToList(), CliJson.Readable.ListEventJson));
            return;
        }

        foreach (var e in events)
        {
            var time = e.Time.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            var who = e.Worker ?? e.Ticket ?? "-";
            var hooked = e.Metadata is { } meta && meta.TryGetValue(Baton.Core.Monitoring.WorkerMonitor.HookTimeKey, out var at)
                && DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var t)
                ? $" (hook ran {t.ToLocalTime().ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)})" : "";
            host.Out.WriteLine($"{time}  {e.Type,-24} {who,-16} {e.Message}{hooked}");
        }
    }

    /// <summary>Following: text lines, or one compact JSON object per line (JSON Lines).</summary>
    private static void PrintLines(CliHost host, IReadOnlyList<EventRecord> events, bool json)
    {
        if (!json)
        {
            Print(host, events, json: false);
            return;
        }

        foreach (var e in events)
        {
            // The writer decides the layout: compact, one object per line, whatever the context says.
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                JsonSerializer.Serialize(writer, ToJson(e), CliJson.Readable.EventJson);
            }

            host.Out.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
        }

        host.Out.Flush();
    }

    internal static EventJson ToJson(EventRecord e) => new(e.Id, e.Time, e.Type, e.Worker, e.Ticket, e.Feature, e.Role, e.Message, e.Commit, e.Metadata);

    /// <summary>`events import FILE`: many events in one transaction, one JSON object per line.</summary>
    private static Command CreateImport()
    {
        var file = new Argument<string>("file") { Description = "JSON lines {\"type\", \"message\", \"worker\"?, \"ticket\"?, \"commit\"?}; '-' reads standard input" };
        var import = new Command("import", "Append many events at once (one JSON object per line), in batches") { file, CommandRunner.Json };
        CommandRunner.Bind(import, async (parse, host, ct) =>
        {
            var path = parse.GetValue(file)!;
            if (path.Length == 0)
            {
                throw BatonException.Usage("give the file to import, or '-' for standard input");
            }

            using var reader = path == "-" ? host.In : new StreamReader(path);
            var total = await host.Events().ImportAsync(reader, path, ct).ConfigureAwait(false);
            host.Out.WriteLine($"imported {total} events");
            return 0;
        });
        return import;
    }

    private static Command CreateLog()
    {
        var type = new Argument<string>("type") { Description = "Event type: lowercase letters, digits and '_' (e.g. note, deploy_started)" };
        var message = new Argument<string>("message") { Description = "What happened" };
        var worker = new Option<string?>("--worker", "-w") { Description = "The worker it concerns (default: $BATON_WORKER)" };
        var ticket = new Option<string?>("--ticket") { Description = "The ticket it concerns" };
        var commit = new Option<string?>("--commit") { Description = "A commit it refers to" };
        var meta = new Option<string[]>("--meta", "-m") { Description = "KEY=VALUE metadata, repeatable (e.g. a worker_usage event: --meta agent=claude --meta tokens=1200)" };
        var feature = new Option<string?>("--feature") { Description = "The feature it concerns" };
        var role = new Option<string?>("--role") { Description = "The role it concerns (default: $BATON_ROLE)" };
        var log = new Command("log", "Append an event of your own (scripts and agents)") { type, message, worker, ticket, feature, role, commit, meta, CommandRunner.Json };
        CommandRunner.Bind(log, (parse, host, _) =>
        {
            var featureName = parse.GetValue(feature);
            if (featureName is not null && host.TicketStore.GetFeature(Baton.Core.Tickets.TicketService.ValidateFeatureName(featureName)) is null)
            {
                throw Baton.Core.BatonException.Usage($"unknown feature '{featureName}' (see `baton status` for the features there are)");
            }

            var roleName = parse.GetValue(role) ?? host.Environment.Variable("BATON_ROLE");
            if (roleName is not null)
            {
                host.Roles().Catalog.GetRole(roleName);
            }

            host.Events().Log(new EventLogRequest(parse.GetValue(type)!, parse.GetValue(message)!)
            {
                Worker = parse.GetValue(worker) ?? host.Environment.Variable("BATON_WORKER"),
                Ticket = parse.GetValue(ticket),
                Feature = featureName,
                Role = roleName,
                Commit = parse.GetValue(commit),
                Meta = parse.GetValue(meta) ?? [],
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
        var ticket = new Option<string?>("--ticket") { Description = "Only this ticket's events (T-n or n)" };
        var since = new Option<string?>("--since") { Description = "Only events since a time (ISO-8601) or a duration ago (30s, 10m, 2h, 1d)" };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new events as they happen (Ctrl-C stops)" };
        var recent = new Command("recent", "The latest events, oldest first") { count, worker, type, ticket, since, follow, CommandRunner.Json };
        CommandRunner.Bind(recent, async (parse, host, ct) =>
        {
            var events = host.Events();
            var query = events.Query(parse.GetValue(count), parse.GetValue(worker), parse.GetValue(type), parse.GetValue(ticket), parse.GetValue(since));
            var json = parse.GetValue(CommandRunner.Json);
            if (!parse.GetValue(follow))
            {
                Print(host, events.Recent(query), json);
                return 0;
            }

            // Following, JSON is one object per line.
            await foreach (var batch in events.FollowAsync(query, ct).ConfigureAwait(false))
            {
                PrintLines(host, batch, json);
            }

            return 0;
        });

        var command = new Command("events", "The append-only history of everything Baton did") { recent, CreateLog(), CreateImport() };
        return command;
    }
}
