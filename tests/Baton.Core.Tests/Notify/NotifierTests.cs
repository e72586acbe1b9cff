using Baton.Core.Events;
using Baton.Core.Notify;
using Baton.Core.Security;
using Baton.Core.Tests.Fakes;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Baton.Core.Tests.Notify;

public sealed class NotifierTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly InMemoryOutbox _outbox = new();
    private readonly ScriptedChannels _channels = new();

    private static NotifyConfig Config(TimeSpan? escalateAfter = null, int maxAttempts = 6) => new()
    {
        Channels =
        [
            new ChannelConfig("slack", ChannelKind.Slack) { Url = "http://127.0.0.1:1/hook", Timeout = TimeSpan.FromSeconds(10) },
            new ChannelConfig("mail", ChannelKind.Email) { SmtpHost = "127.0.0.1" },
        ],
        Rules =
        [
            new NotifyRule("people", NotificationPriority.Urgent, ["slack", "mail"]) { EscalateAfter = escalateAfter },
        ],
        MaxAttempts = maxAttempts,
        RetryBase = TimeSpan.FromSeconds(5),
        RetryMax = TimeSpan.FromMinutes(1),
    };

    private Notifier Notifier(NotifyConfig config) => new(config, _outbox, _outbox, _channels, _time, new Redactor([]));

    private void Waiting(string ticket, string message = "auth-worker asks to run rm -rf build") =>
        _outbox.Append(new EventRecord { Time = _time.GetUtcNow(), Type = EventTypes.Notification, Ticket = ticket, Worker = "auth-worker", Message = message, Metadata = new Dictionary<string, string> { ["kind"] = "needs_human" } });

    [Fact]
    public async Task A_worker_waiting_for_a_person_is_sent_at_once_through_the_rules_first_channel()
    {
        var notifier = Notifier(Config());
        notifier.Step(); // first look: the cursor starts at the log's end
        Waiting("T-3");

        notifier.Step();
        await notifier.DrainAsync();

        var (channel, notice) = Assert.Single(_channels.Received);
        Assert.Equal("slack", channel);
        Assert.Equal(NotificationPriority.Urgent, notice.Priority);
        Assert.Contains("T-3", notice.Title, StringComparison.Ordinal);
        var sent = Assert.Single(_outbox.OfType(NotificationEvents.Sent));
        Assert.Equal("slack", sent.Metadata!["channel"]);
        Assert.Equal(DeliveryStatus.Sent, Assert.Single(_outbox.Rows).Status);
    }

    [Fact]
    public async Task Turning_notifications_on_does_not_replay_the_history()
    {
        Waiting("T-1");
        var notifier = Notifier(Config());

        notifier.Step();
        await notifier.DrainAsync();

        Assert.Empty(_channels.Received);
    }

    [Fact]
    public async Task A_receiver_that_fails_twice_is_retried_with_backoff_and_the_third_attempt_lands()
    {
        _channels.Answer("slack", "the receiver answered 500 Internal Server Error", "the receiver answered 500 Internal Server Error", null);
        var notifier = Notifier(Config());
        notifier.Step();
        Waiting("T-3");

        notifier.Step();
        await notifier.DrainAsync();
        var first = Assert.Single(_outbox.Rows);
        Assert.Equal(1, first.Attempts);
        Assert.Equal(_time.GetUtcNow().AddSeconds(5), first.NextAttemptAt);

        _time.Advance(TimeSpan.FromSeconds(4));
        notifier.Step(); // not due yet
        await notifier.DrainAsync();
        Assert.Equal(1, _outbox.Rows[0].Attempts);

        _time.Advance(TimeSpan.FromSeconds(1));
        notifier.Step();
        await notifier.DrainAsync();
        Assert.Equal(_time.GetUtcNow().AddSeconds(10), _outbox.Rows[0].NextAttemptAt); // doubled

        _time.Advance(TimeSpan.FromSeconds(10));
        notifier.Step();
        await notifier.DrainAsync();

        Assert.Single(_channels.Received);
        Assert.Equal(2, _outbox.OfType(NotificationEvents.Failed).Count());
        Assert.All(_outbox.OfType(NotificationEvents.Failed), e => Assert.Contains("500", e.Message, StringComparison.Ordinal));
        Assert.Equal(DeliveryStatus.Sent, _outbox.Rows[0].Status);
        Assert.Equal(3, _outbox.Rows[0].Attempts);
    }

    [Fact]
    public async Task A_receiver_that_hangs_never_blocks_the_step_and_fails_at_the_channels_timeout()
    {
        _channels.Answer("slack", ScriptedChannels.Hang);
        var notifier = Notifier(Config());
        notifier.Step();
        Waiting("T-3");

        notifier.Step(); // returns while the receiver hangs
        Assert.Equal(1, notifier.InFlight);
        notifier.Step(); // a second step does not start the same delivery again
        Assert.Equal(1, notifier.InFlight);

        _time.Advance(TimeSpan.FromSeconds(10));
        await notifier.DrainAsync();

        var failed = Assert.Single(_outbox.OfType(NotificationEvents.Failed));
        Assert.Contains("no answer within 10s", failed.Message, StringComparison.Ordinal);
        Assert.Equal(DeliveryStatus.Queued, _outbox.Rows[0].Status); // retried later
    }

    [Fact]
    public async Task One_notice_per_situation_until_it_is_acknowledged()
    {
        var notifier = Notifier(Config());
        notifier.Step();
        Waiting("T-3");
        Waiting("T-3", "asks again");
        Waiting("T-4");

        notifier.Step();
        await notifier.DrainAsync();
        Assert.Equal(2, _channels.Received.Count); // T-3 once, T-4 once

        var t3 = _outbox.Rows.Single(r => r.Notice.Ticket == "T-3");
        notifier.Acknowledge(t3.Id, "dashboard");
        Waiting("T-3", "a new question after the first was answered");
        notifier.Step();
        await notifier.DrainAsync();

        Assert.Equal(3, _channels.Received.Count);
        var acked = Assert.Single(_outbox.OfType(NotificationEvents.Acked));
        Assert.Equal("dashboard", acked.Metadata!["by"]);
    }

    [Fact]
    public async Task A_notice_nobody_acknowledges_in_time_goes_to_the_next_channel_once()
    {
        var notifier = Notifier(Config(escalateAfter: TimeSpan.FromMinutes(15)));
        notifier.Step();
        Waiting("T-3");
        notifier.Step();
        await notifier.DrainAsync();

        _time.Advance(TimeSpan.FromMinutes(14));
        notifier.Step();
        await notifier.DrainAsync();
        Assert.Single(_channels.Received);

        _time.Advance(TimeSpan.FromMinutes(1));
        notifier.Step();
        await notifier.DrainAsync();
        notifier.Step();
        await notifier.DrainAsync();

        Assert.Equal(["slack", "mail"], _channels.Received.Select(r => r.Channel));
        var escalated = Assert.Single(_outbox.OfType(NotificationEvents.Escalated));
        Assert.Contains("not acknowledged within 15m", escalated.Message, StringComparison.Ordinal);

        _time.Advance(TimeSpan.FromHours(1));
        notifier.Step(); // the last channel has nowhere to escalate to
        await notifier.DrainAsync();
        Assert.Equal(2, _channels.Received.Count);
    }

    [Fact]
    public async Task An_acknowledged_notice_is_not_escalated()
    {
        var notifier = Notifier(Config(escalateAfter: TimeSpan.FromMinutes(15)));
        notifier.Step();
        Waiting("T-3");
        notifier.Step();
        await notifier.DrainAsync();

        notifier.Acknowledge(_outbox.Rows[0].Id, "cli");
        _time.Advance(TimeSpan.FromHours(1));
        notifier.Step();
        await notifier.DrainAsync();

        Assert.Single(_channels.Received);
        Assert.Empty(_outbox.OfType(NotificationEvents.Escalated));
    }

    [Fact]
    public async Task A_channel_that_fails_every_attempt_fails_for_good_and_hands_the_notice_on()
    {
        _channels.Answer("slack", "refused", "refused");
        var notifier = Notifier(Config(maxAttempts: 2));
        notifier.Step();
        Waiting("T-3");

        notifier.Step();
        await notifier.DrainAsync();
        _time.Advance(TimeSpan.FromSeconds(5));
        notifier.Step();
        await notifier.DrainAsync();
        notifier.Step(); // the escalated delivery is due now
        await notifier.DrainAsync();

        Assert.Equal(["mail"], _channels.Received.Select(r => r.Channel));
        Assert.Contains(_outbox.OfType(NotificationEvents.Failed), e => e.Metadata!["final"] == "true");
        var slack = _outbox.Rows.Single(r => r.Channel == "slack");
        Assert.Equal(DeliveryStatus.Escalated, slack.Status); // handed on; its failure stays in the row and the events
        Assert.Equal("refused", slack.LastError);
    }

    [Fact]
    public async Task Rules_take_only_notices_of_their_priority_and_above()
    {
        var notifier = Notifier(Config());
        notifier.Step();
        _outbox.Append(new EventRecord { Time = _time.GetUtcNow(), Type = EventTypes.PrMerged, Ticket = "T-1", Message = "merged" });
        _outbox.Append(new EventRecord { Time = _time.GetUtcNow(), Type = EventTypes.MergeFailed, Ticket = "T-2", Message = "conflict" });

        notifier.Step();
        await notifier.DrainAsync();

        Assert.Empty(_channels.Received); // info and action; the rule wants urgent
    }

    [Fact]
    public async Task A_test_goes_through_every_channel_now_and_reports_each_outcome()
    {
        _channels.Answer("mail", "the SMTP server refused AUTH: 535 bad credentials");
        var notifier = Notifier(Config());

        var results = await notifier.SendTestAsync(null, CancellationToken.None);

        Assert.Equal([DeliveryStatus.Sent, DeliveryStatus.Failed], results.Select(r => r.Status));
        Assert.Contains("535", results[1].LastError, StringComparison.Ordinal);
        Assert.Throws<BatonException>(() => notifier.SendTestAsync("nope", CancellationToken.None).GetAwaiter().GetResult());
    }

    [Fact]
    public void Secrets_in_a_notice_are_redacted_before_they_are_queued()
    {
        var notifier = new Notifier(Config(), _outbox, _outbox, _channels, _time, new Redactor([new("SLACK_TOKEN", "xoxb-123456789-secret")]));
        notifier.Step();
        Waiting("T-3", "the agent printed xoxb-123456789-secret");

        notifier.Step();

        Assert.DoesNotContain("xoxb-123456789-secret", _outbox.Rows[0].Notice.Text, StringComparison.Ordinal);
    }
}
