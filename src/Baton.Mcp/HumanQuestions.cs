using System.Globalization;
using System.Security.Cryptography;
using Baton.Core.Events;
using Baton.Core.Storage;

namespace Baton.Mcp;

/// <summary>
/// ask_human: the question becomes an urgent notification event (the notifier of `baton up` sends
/// it through the configured channels); the call then waits, bounded, for a person's
/// `baton inbox answer N "..."` (a human_answered event naming question N). The wait holds the
/// server's gate only while it reads the store, so other calls go on meanwhile.
/// </summary>
internal sealed class HumanQuestions
{
    public const int DefaultWaitSeconds = 120;
    public const int MaxWaitSeconds = 900;
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);

    private readonly IMcpBackend _backend;
    private readonly SemaphoreSlim _gate;

    public HumanQuestions(IMcpBackend backend, SemaphoreSlim gate)
    {
        _backend = backend;
        _gate = gate;
    }

    public async Task<string> AskAsync(ToolArguments args, McpCaller caller, string ticket, CancellationToken ct)
    {
        var wait = TimeSpan.FromSeconds(Math.Clamp(args.Integer("wait_seconds") ?? DefaultWaitSeconds, 0, MaxWaitSeconds));
        var id = args.Integer("question_id") is { } given
            ? await Locked(() => Existing(given, ticket), ct).ConfigureAwait(false)
            : await Locked(() => Ask(args.Required("question"), caller, ticket), ct).ConfigureAwait(false);

        var deadline = _backend.Time.GetUtcNow() + wait;
        while (true)
        {
            if (await Locked(() => AnswerTo(id, ticket), ct).ConfigureAwait(false) is { } answer)
            {
                return JsonText.Write(w =>
                {
                    w.WriteStartObject();
                    w.WriteBoolean("answered", true);
                    w.WriteNumber("question_id", id);
                    w.WriteString("answer", answer.Message);
                    w.WriteString("by", answer.Metadata?.GetValueOrDefault("by") ?? "person");
                    w.WriteEndObject();
                });
            }

            if (_backend.Time.GetUtcNow() >= deadline)
            {
                return JsonText.Write(w =>
                {
                    w.WriteStartObject();
                    w.WriteBoolean("answered", false);
                    w.WriteNumber("question_id", id);
                    w.WriteString("hint", $"no answer yet: call ask_human with question_id {id.ToString(CultureInfo.InvariantCulture)} to wait again, or go on with other work");
                    w.WriteEndObject();
                });
            }

            await Task.Delay(Poll, _backend.Time, ct).ConfigureAwait(false);
        }
    }

    private long Ask(string question, McpCaller caller, string ticket)
    {
        // The question's id is its event's id: found again by a key only this call knows.
        var key = Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        var worker = caller.Worker ?? _backend.AssigneeOf(Core.Tickets.TicketId.Parse(ticket));
        _backend.Append(new EventRecord
        {
            Time = _backend.Time.GetUtcNow(),
            Type = EventTypes.Notification,
            Ticket = ticket,
            Worker = worker,
            Message = _backend.Redact(question),
            Metadata = new Dictionary<string, string> { ["kind"] = "human_question", ["key"] = key, ["by"] = caller.Name },
        });
        return _backend.Recent(new EventQuery(50, Type: EventTypes.Notification, Ticket: ticket))
            .LastOrDefault(e => e.Metadata?.GetValueOrDefault("key") == key)?.Id
            ?? throw new McpToolException("the question was written but could not be read back from the store");
    }

    private long Existing(long id, string ticket) =>
        _backend.Event(id) is { Type: EventTypes.Notification } e && e.Metadata?.GetValueOrDefault("kind") == "human_question"
            ? e.Ticket == ticket ? id : throw new McpToolException($"question {id.ToString(CultureInfo.InvariantCulture)} is about {e.Ticket}, not {ticket}")
            : throw new McpToolException($"there is no question {id.ToString(CultureInfo.InvariantCulture)}");

    private EventRecord? AnswerTo(long id, string ticket) =>
        _backend.Recent(new EventQuery(100, Type: EventTypes.HumanAnswered, Ticket: ticket, AfterId: id))
            .LastOrDefault(e => e.Metadata?.GetValueOrDefault("question") == id.ToString(CultureInfo.InvariantCulture));

    private async Task<T> Locked<T>(Func<T> read, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return read();
        }
        finally
        {
            _gate.Release();
        }
    }
}
