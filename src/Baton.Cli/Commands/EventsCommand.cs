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

internal static partial class EventsCommand
{
    [System.Text.RegularExpressions.GeneratedRegex("^[a-z][a-z0-9_]{0,47}$")]
    private static partial System.Text.RegularExpressions.Regex MetaKey();

    [System.Text.RegularExpressions.GeneratedRegex("^[a-z][a-z0-9_]{1,47}$")]
    private static partial System.Text.RegularExpressions.Regex EventType();

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
            host.Out.WriteLine($"{time}  {e.Type,-24} {who,-16} {e.Message}");
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

    private static EventJson ToJson(EventRecord e) => new(e.Id, e.Time, e.Type, e.Worker, e.Ticket, e.Feature, e.Role, e.Message, e.Commit, e.Metadata);

    private static DateTimeOffset Since(string text, DateTimeOffset now)
    {
        var t = text.Trim();
        if (t.Length >= 2 && double.TryParse(t[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) && amount >= 0)
        {
            TimeSpan? span = t[^1] switch
            {
                's' => TimeSpan.FromSeconds(amount),
                'm' => TimeSpan.FromMinutes(amount),
                'h' => TimeSpan.FromHours(amount),
                'd' => TimeSpan.FromDays(amount),
                _ => null,
            };
            if (span is { } s)
            {
                return now - s;
            }
        }

        return DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at
            : throw BatonException.Usage($"invalid --since '{text}': give a time (2026-11-22T10:00:00Z) or a duration ago (30s, 10m, 2h, 1d)");
    }

    /// <summary>`events import FILE`: many events in one transaction, one JSON object per line.</summary>
    private static Command CreateImport()
    {
        var file = new Argument<string>("file") { Description = "JSON lines {\"type\", \"message\", \"worker\"?, \"ticket\"?, \"commit\"?}; '-' reads standard input" };
        var import = new Command("import", "Append many events at once (one JSON object per line), in batches") { file, CommandRunner.Json };
        CommandRunner.Bind(import, async (parse, host, ct) =>
        {
            var path = parse.GetValue(file)!;
            using var reader = path == "-" ? host.In : new StreamReader(path);
            var redactor = Baton.Core.Security.Redactor.From(host.Variables);
            var batch = new List<EventRecord>(10_000);
            var total = 0;
            var lineNumber = 0;
            while (await reader.ReadLineAsync(ct).ConfigureAwait(false) is { } line)
            {
                lineNumber++;
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                EventLine? e;
                try
                {
                    e = JsonSerializer.Deserialize(line, CliJson.Readable.EventLine);
                }
                catch (JsonException x)
                {
                    throw BatonException.Usage($"{path}:{lineNumber}: not an event: {x.Message}");
                }

                if (e?.Type is null || !EventType().IsMatch(e.Type))
                {
                    throw BatonException.Usage($"{path}:{lineNumber}: 'type' is missing or not lowercase letters, digits and '_'");
                }

                batch.Add(new EventRecord
                {
                    Time = host.Time.GetUtcNow(),
                    Type = e.Type,
                    Message = redactor.Redact(e.Message ?? ""),
                    Worker = e.Worker,
                    Ticket = e.Ticket,
                    Commit = e.Commit,
                });
                if (batch.Count == 10_000)
                {
                    total += host.Store.AppendEvents(batch);
                    batch.Clear();
                }
            }

            total += host.Store.AppendEvents(batch);
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
        var log = new Command("log", "Append an event of your own (scripts and agents)") { type, message, worker, ticket, commit, meta, CommandRunner.Json };
        CommandRunner.Bind(log, (parse, host, _) =>
        {
            var t = parse.GetValue(type)!;
            if (!EventType().IsMatch(t))
            {
                throw BatonException.Usage($"invalid event type '{t}': use 2-48 lowercase letters, digits or '_', starting with a letter");
            }

            var name = parse.GetValue(worker) ?? host.Environment.Variable("BATON_WORKER");
            if (name is not null)
            {
                WorkerName.Validate(name);
            }

            var redactor = Baton.Core.Security.Redactor.From(host.Variables);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var pair in parse.GetValue(meta) ?? [])
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                if (eq < 1 || !MetaKey().IsMatch(pair[..eq]))
                {
                    throw BatonException.Usage($"invalid --meta '{pair}': write KEY=VALUE with a key of lowercase letters, digits or '_'");
                }

                metadata[pair[..eq]] = redactor.Redact(pair[(eq + 1)..]);
            }

            host.Store.AppendEvent(new Baton.Core.Events.EventRecord
            {
                Time = host.Time.GetUtcNow(),
                Type = t,
                Worker = name,
                Ticket = parse.GetValue(ticket),
                Commit = parse.GetValue(commit),
                Message = redactor.Redact(parse.GetValue(message)),
                Metadata = metadata.Count == 0 ? null : metadata,
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

            var query = new EventQuery(n, name, parse.GetValue(type),
                parse.GetValue(ticket) is { } t ? TicketId.Normalize(t) : null,
                parse.GetValue(since) is { } s ? Since(s, host.Time.GetUtcNow()) : null);
            var json = parse.GetValue(CommandRunner.Json);
            if (!parse.GetValue(follow))
            {
                Print(host, host.Store.RecentEvents(query), json);
                return 0;
            }

            // Follow: the newest id first, then the backlog up to it, then everything after it, so
            // an event written meanwhile is printed exactly once. JSON here is one object per line.
            var last = host.Store.RecentEvents(new EventQuery(1)).LastOrDefault()?.Id ?? 0;
            PrintLines(host, host.Store.RecentEvents(query).Where(e => e.Id <= last).ToList(), json);
            while (!ct.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), host.Time, ct).ConfigureAwait(false);
                var fresh = host.Store.RecentEvents(query with { Count = 10_000, AfterId = last, Since = null });
                if (fresh.Count > 0)
                {
                    last = fresh[^1].Id;
                    PrintLines(host, fresh, json);
                }
            }

            return 0;
        });

        var command = new Command("events", "The append-only history of everything Baton did") { recent, CreateLog(), CreateImport() };
        return command;
    }
}
