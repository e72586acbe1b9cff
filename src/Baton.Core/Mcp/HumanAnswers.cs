using System.Globalization;
using Baton.Core.Events;
using Baton.Core.Storage;

namespace Baton.Core.Mcp;

/// <summary>
/// A person's answers to the questions agents ask through MCP's ask_human (each question is a
/// notification event of kind human_question; its id is the question's number). The answer is a
/// human_answered event the waiting tool call reads.
/// </summary>
public sealed class HumanAnswers
{
    public const string QuestionKind = "human_question";

    private readonly IStore _store;
    private readonly TimeProvider _time;

    public HumanAnswers(IStore store, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        _store = store;
        _time = time;
    }

    /// <summary>Records the answer to question <paramref name="id"/>; refused for an unknown or already answered question.</summary>
    public EventRecord Answer(long id, string answer, string by)
    {
        ArgumentNullException.ThrowIfNull(answer);
        if (answer.Trim().Length == 0)
        {
            throw BatonException.Usage("the answer is empty: say what the agent should know");
        }

        var question = Question(id) ?? throw BatonException.Usage($"there is no question {id.ToString(CultureInfo.InvariantCulture)}: `baton inbox questions` lists the open ones");
        if (AnswerTo(question) is { } earlier)
        {
            throw new BatonException($"question {id.ToString(CultureInfo.InvariantCulture)} was already answered ({earlier.Time:yyyy-MM-dd HH:mm:ss}): \"{earlier.Message}\"");
        }

        var record = new EventRecord
        {
            Time = _time.GetUtcNow(),
            Type = EventTypes.HumanAnswered,
            Ticket = question.Ticket,
            Worker = question.Worker,
            Message = answer,
            Metadata = new Dictionary<string, string> { ["question"] = id.ToString(CultureInfo.InvariantCulture), ["by"] = by },
        };
        _store.AppendEvent(record);
        return record;
    }

    /// <summary>The questions not answered yet among the latest <paramref name="scan"/> events, oldest first.</summary>
    public IReadOnlyList<EventRecord> Open(int scan = 500) =>
        _store.RecentEvents(new EventQuery(scan, Type: EventTypes.Notification))
            .Where(e => e.Metadata?.GetValueOrDefault("kind") == QuestionKind && AnswerTo(e) is null)
            .ToList();

    private EventRecord? Question(long id) =>
        _store.EventsAfter(id - 1, 1).FirstOrDefault(e => e.Id == id && e.Type == EventTypes.Notification && e.Metadata?.GetValueOrDefault("kind") == QuestionKind);

    private EventRecord? AnswerTo(EventRecord question) =>
        _store.RecentEvents(new EventQuery(100, Type: EventTypes.HumanAnswered, Ticket: question.Ticket, AfterId: question.Id))
            .FirstOrDefault(e => e.Metadata?.GetValueOrDefault("question") == question.Id.ToString(CultureInfo.InvariantCulture));
}
