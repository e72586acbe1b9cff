using System.Globalization;
using Baton.Core.Events;
using Baton.Core.Mcp;
using Baton.Core.Storage;
using Baton.Core.Tests.Fakes;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Baton.Core.Tests.Mcp;

/// <summary>A person's answer to an agent's ask_human question, on a real SQLite store.</summary>
public sealed class HumanAnswersTests : IDisposable
{
    private readonly TempStore _db = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly HumanAnswers _answers;

    public HumanAnswersTests()
    {
        _answers = new HumanAnswers(_db.Store, _time);
    }

    public void Dispose() => _db.Dispose();

    private long Ask(string question, string ticket = "T-1")
    {
        _db.Store.AppendEvent(new EventRecord
        {
            Time = _time.GetUtcNow(),
            Type = EventTypes.Notification,
            Ticket = ticket,
            Worker = "w1",
            Message = question,
            Metadata = new Dictionary<string, string> { ["kind"] = HumanAnswers.QuestionKind },
        });
        return _db.Store.LastEventId();
    }

    [Fact]
    public void An_answer_is_recorded_for_its_question_and_closes_it()
    {
        var first = Ask("Which database?");
        var second = Ask("Which port?", "T-2");

        var record = _answers.Answer(first, "sqlite", "cli");

        Assert.Equal(("T-1", "w1", "sqlite"), (record.Ticket, record.Worker, record.Message));
        Assert.Equal(first.ToString(CultureInfo.InvariantCulture), record.Metadata!["question"]);
        Assert.Equal([second], _answers.Open().Select(q => q.Id));
        var stored = _db.Store.RecentEvents(new EventQuery(5, Type: EventTypes.HumanAnswered));
        Assert.Equal("cli", Assert.Single(stored).Metadata!["by"]);
    }

    [Fact]
    public void A_second_answer_an_unknown_question_or_an_empty_answer_is_refused()
    {
        var id = Ask("Which database?");
        _answers.Answer(id, "sqlite", "cli");

        Assert.Contains("already answered", Assert.Throws<BatonException>(() => _answers.Answer(id, "postgres", "cli")).Message, StringComparison.Ordinal);
        Assert.Contains("there is no question 99", Assert.Throws<BatonException>(() => _answers.Answer(99, "x", "cli")).Message, StringComparison.Ordinal);
        Assert.Contains("empty", Assert.Throws<BatonException>(() => _answers.Answer(id, "  ", "cli")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_event_that_is_not_a_question_cannot_be_answered()
    {
        _db.Store.AppendEvent(new EventRecord { Time = _time.GetUtcNow(), Type = EventTypes.Notification, Message = "ticket failed", Metadata = new Dictionary<string, string> { ["kind"] = "ticket_failed" } });

        Assert.Throws<BatonException>(() => _answers.Answer(_db.Store.LastEventId(), "ok", "cli"));
    }
}
