using Baton.Core.Events;
using Baton.Core.Notify;
using Baton.Core.Security;
using Baton.Infrastructure.Notify;
using Baton.Infrastructure.Storage.Sql;
using Baton.Infrastructure.Storage.Sqlite;
using Baton.IntegrationTests.Support;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Baton.IntegrationTests.Notify;

/// <summary>The notifier over the real SQLite outbox and real receivers; the backoff runs on a fake clock.</summary>
public sealed class OutboxTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("baton-outbox-").FullName;
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly SqliteStore _store;
    private readonly NotificationChannels _channels;

    public OutboxTests()
    {
        _store = SqliteStore.Open(Path.Combine(_dir, "baton.db"), create: true);
        _channels = new NotificationChannels(_ => null, _time);
    }

    public void Dispose()
    {
        _channels.Dispose();
        _store.Dispose();
        Directory.Delete(_dir, true);
    }

    private Notifier Notifier(string url, TimeSpan? timeout = null) => new(
        new NotifyConfig
        {
            Channels = [new ChannelConfig("ops", ChannelKind.Webhook) { Url = url, Timeout = timeout ?? TimeSpan.FromSeconds(30) }],
            Rules = [new NotifyRule("people", NotificationPriority.Urgent, ["ops"])],
            RetryBase = TimeSpan.FromSeconds(5),
        },
        new SqlNotificationStore(_store), _store, _channels, _time, new Redactor([]));

    private void Failed(string ticket) => _store.AppendEvent(new EventRecord
    {
        Time = _time.GetUtcNow(), Type = EventTypes.Notification, Ticket = ticket, Message = ticket + " failed and needs a human",
        Metadata = new Dictionary<string, string> { ["kind"] = "ticket_failed" },
    });

    private List<EventRecord> Events(string type) => _store.RecentEvents(new Baton.Core.Storage.EventQuery(100, Type: type)).ToList();

    [Fact]
    public async Task A_receiver_that_fails_twice_then_recovers_gets_the_notice_once_and_nothing_is_lost_across_a_restart()
    {
        using var receiver = new WebhookReceiver(500, 503);
        Failed("T-0"); // before notifications were on: not replayed
        var first = Notifier(receiver.Url);
        first.Step();
        Failed("T-1");

        first.Step();
        await first.DrainAsync(); // attempt 1: 500

        // The loop dies here; a new one (a new notifier on the same store) carries on.
        var second = Notifier(receiver.Url);
        _time.Advance(TimeSpan.FromSeconds(5));
        second.Step();
        await second.DrainAsync(); // attempt 2: 503
        _time.Advance(TimeSpan.FromSeconds(10));
        second.Step();
        await second.DrainAsync(); // attempt 3: 200

        Assert.Equal([500, 503, 200], receiver.Requests.Select(r => r.Answer));
        Assert.All(receiver.Requests, r => Assert.Contains("\"ticket\":\"T-1\"", r.Body, StringComparison.Ordinal));
        Assert.Equal(2, Events(NotificationEvents.Failed).Count);
        Assert.Single(Events(NotificationEvents.Sent));
        var row = Assert.Single(new SqlNotificationStore(_store).List(null, 10));
        Assert.Equal(DeliveryStatus.Sent, row.Status);
        Assert.Equal(3, row.Attempts);
    }

    [Fact]
    public async Task The_same_situation_reported_again_is_one_row_until_acknowledged()
    {
        using var receiver = new WebhookReceiver();
        var notifier = Notifier(receiver.Url);
        notifier.Step();
        Failed("T-1");
        Failed("T-1");

        notifier.Step();
        await notifier.DrainAsync();
        notifier.Acknowledge(new SqlNotificationStore(_store).List(null, 10).Single().Id, "dashboard");
        Failed("T-1");
        notifier.Step();
        await notifier.DrainAsync();

        Assert.Equal(2, receiver.Count);
        Assert.Equal([DeliveryStatus.Sent, DeliveryStatus.Acked], new SqlNotificationStore(_store).List(null, 10).Select(d => d.Status));
    }

    [Fact]
    public async Task A_receiver_that_hangs_is_given_up_on_at_the_channels_timeout_without_holding_the_step()
    {
        using var receiver = new WebhookReceiver(0);
        var notifier = Notifier(receiver.Url, TimeSpan.FromSeconds(10));
        notifier.Step();
        Failed("T-1");

        notifier.Step();
        Assert.Equal(1, notifier.InFlight);
        TestRepo.WaitUntil(() => receiver.Count == 1, "the request to reach the receiver");
        _time.Advance(TimeSpan.FromSeconds(10));
        await notifier.DrainAsync();

        Assert.Contains("no answer within 10s", Assert.Single(Events(NotificationEvents.Failed)).Message, StringComparison.Ordinal);
        Assert.Equal(DeliveryStatus.Queued, new SqlNotificationStore(_store).List(null, 10).Single().Status);
    }
}
