using System.Globalization;
using Baton.Core.Events;
using Baton.Core.Security;
using Baton.Core.Storage;

namespace Baton.Core.Notify;

/// <summary>
/// Reaches a person when one is needed. Each <see cref="Step"/> (the autopilot calls it every
/// tick) turns new events into queued deliveries (<see cref="NoticeClassifier"/>, the rules, one
/// notice per situation), starts the due ones in the background, applies the outcomes of those
/// that finished (sent; or retried with backoff; or failed for good and escalated), and escalates
/// sent notices nobody acknowledged in time. It never waits for a channel: a receiver that hangs
/// holds only its own delivery, up to the channel's timeout. Every delivery and failure is an event.
/// Used from one thread (the loop's); the sends run on others and touch no store.
/// </summary>
public sealed class Notifier
{
    private const int IngestBatch = 500;
    private const int SendBatch = 20;

    private readonly NotifyConfig _config;
    private readonly INotificationStore _outbox;
    private readonly IEventFeed _events;
    private readonly INotificationChannels _channels;
    private readonly TimeProvider _time;
    private readonly Redactor _redactor;
    private readonly Dictionary<long, (Delivery Delivery, Task Send)> _inFlight = [];

    public Notifier(NotifyConfig config, INotificationStore outbox, IEventFeed events, INotificationChannels channels, TimeProvider time, Redactor redactor)
    {
        _config = config;
        _outbox = outbox;
        _events = events;
        _channels = channels;
        _time = time;
        _redactor = redactor;
    }

    /// <summary>Deliveries being sent right now.</summary>
    public int InFlight => _inFlight.Count;

    public void Step()
    {
        if (!_config.Enabled)
        {
            return;
        }

        Collect();
        Ingest();
        Escalate();
        Send();
    }

    /// <summary>Waits for the sends in flight (the loop is stopping) and records their outcomes.</summary>
    public async Task DrainAsync()
    {
        await Task.WhenAll(_inFlight.Values.Select(v => v.Send)).ConfigureAwait(false);
        Collect();
    }

    /// <summary>
    /// `baton notify test`: one test notice through every channel of <paramref name="rule"/> (every
    /// configured channel when null), now, each outcome recorded like any delivery. Returns them.
    /// </summary>
    public async Task<IReadOnlyList<Delivery>> SendTestAsync(string? rule, CancellationToken ct)
    {
        var channels = rule is null
            ? _config.Channels.Select(c => (Rule: "test", Channel: c.Name)).ToList()
            : (_config.Rules.FirstOrDefault(r => r.Name == rule) ?? throw BatonException.Usage($"no notification rule named '{rule}' (rules: {string.Join(", ", _config.Rules.Select(r => r.Name))})"))
                .Channels.Select(c => (Rule: rule, Channel: c)).ToList();
        if (channels.Count == 0)
        {
            throw BatonException.Usage("no notification channels are configured: add notify.channels and notify.rules to .baton/config.yaml (see docs/notifications.md)");
        }

        var now = _time.GetUtcNow();
        var notice = new Notice(0, now, NotificationPriority.Urgent, "test", "[test] Baton notification test", $"A test notification sent by `baton notify test` at {now:u}.", "test:" + now.ToUnixTimeMilliseconds());
        var results = new List<Delivery>();
        foreach (var (ruleName, channel) in channels)
        {
            var draft = new Delivery(0, ruleName, channel, 0, notice, DeliveryStatus.Queued, 0, now, now) { Test = true };
            var added = _outbox.Add(draft, d => Event(NotificationEvents.Queued, d, $"N-{d.Id}: test notification queued for {channel}"));
            var error = await DeliverAsync(added, Timeout(added), ct).ConfigureAwait(false);
            results.Add(Apply(added, error, retry: false));
        }

        return results;
    }

    /// <summary>A person saw it: no more escalation for it. Unknown ids are a usage error.</summary>
    public Delivery Acknowledge(long id, string actor)
    {
        var delivery = _outbox.Get(id) ?? throw BatonException.Usage($"no notification N-{id}: `baton notify list` shows them");
        if (delivery.Status == DeliveryStatus.Acked)
        {
            return delivery;
        }

        var now = _time.GetUtcNow();
        var acked = delivery with { Status = DeliveryStatus.Acked, AckedAt = now, AckedBy = actor };
        _outbox.Update(acked, Event(NotificationEvents.Acked, acked, $"N-{id} acknowledged by {actor}", ("by", actor)));
        return acked;
    }

    private void Ingest()
    {
        var cursor = _outbox.Cursor();
        var events = _events.EventsAfter(cursor, IngestBatch);
        if (events.Count == 0)
        {
            return;
        }

        var now = _time.GetUtcNow();
        var drafts = new List<Delivery>();
        foreach (var e in events)
        {
            if (NoticeClassifier.Classify(e) is not { } notice)
            {
                continue;
            }

            notice = notice with { Text = _redactor.Redact(notice.Text), Title = _redactor.Redact(notice.Title) };
            foreach (var rule in _config.Rules.Where(r => r.Matches(notice) && r.Channels.Count > 0))
            {
                drafts.Add(new Delivery(0, rule.Name, rule.Channels[0], 0, notice, DeliveryStatus.Queued, 0, now, now));
            }
        }

        _outbox.Ingest(drafts, events[^1].Id);
    }

    private void Send()
    {
        var now = _time.GetUtcNow();
        foreach (var delivery in _outbox.Due(now, SendBatch))
        {
            if (_inFlight.ContainsKey(delivery.Id))
            {
                continue;
            }

            // The timeout starts now, on the loop's thread and the injected clock: the send itself
            // may begin later on a pool thread.
            var timeout = Timeout(delivery);
            _inFlight[delivery.Id] = (delivery, Task.Run(() => DeliverAsync(delivery, timeout, CancellationToken.None)));
        }
    }

    private void Collect()
    {
        foreach (var (id, (delivery, send)) in _inFlight.Where(kv => kv.Value.Send.IsCompleted).ToList())
        {
            _inFlight.Remove(id);
            var error = send is Task<string?> { IsCompletedSuccessfully: true } done ? done.Result : "the delivery failed: " + send.Exception?.GetBaseException().Message;
            var next = Apply(delivery, error, retry: true);
            if (next.Status == DeliveryStatus.Failed)
            {
                EscalateFrom(next, "every attempt failed");
            }
        }
    }

    /// <summary>Records one attempt's outcome: sent, queued again after the backoff, or failed for good.</summary>
    private Delivery Apply(Delivery delivery, string? error, bool retry)
    {
        var now = _time.GetUtcNow();
        var attempts = delivery.Attempts + 1;
        var attempt = ("attempt", attempts.ToString(CultureInfo.InvariantCulture));
        if (error is null)
        {
            var sent = delivery with { Status = DeliveryStatus.Sent, Attempts = attempts, SentAt = now, LastError = null };
            _outbox.Update(sent, Event(NotificationEvents.Sent, sent, $"N-{sent.Id} sent through {sent.Channel}: {sent.Notice.Title}", attempt));
            return sent;
        }

        error = _redactor.Redact(error);
        var final = !retry || attempts >= _config.MaxAttempts;
        var next = final
            ? delivery with { Status = DeliveryStatus.Failed, Attempts = attempts, LastError = error }
            : delivery with { Attempts = attempts, LastError = error, NextAttemptAt = now + _config.RetryDelay(attempts) };
        var message = final
            ? $"N-{next.Id} through {next.Channel} failed ({attempts} attempt{(attempts == 1 ? "" : "s")}): {error}"
            : $"N-{next.Id} through {next.Channel} failed (attempt {attempts} of {_config.MaxAttempts}, next at {next.NextAttemptAt:HH:mm:ss}): {error}";
        _outbox.Update(next, Event(NotificationEvents.Failed, next, message, attempt, ("error", error), ("final", final ? "true" : "false")));
        return next;
    }

    private void Escalate()
    {
        var now = _time.GetUtcNow();
        foreach (var sent in _outbox.List(DeliveryStatus.Sent, 200))
        {
            if (!sent.Test && Rule(sent) is { EscalateAfter: { } after } && sent.SentAt is { } at && now - at >= after)
            {
                EscalateFrom(sent, $"not acknowledged within {Durations(after)}");
            }
        }
    }

    /// <summary>Hands the notice on to the rule's next channel, if it has one.</summary>
    private void EscalateFrom(Delivery delivery, string why)
    {
        if (delivery.Test || Rule(delivery) is not { } rule || delivery.Step + 1 >= rule.Channels.Count)
        {
            return;
        }

        var now = _time.GetUtcNow();
        var channel = rule.Channels[delivery.Step + 1];
        var escalated = delivery with { Status = DeliveryStatus.Escalated };
        _outbox.Update(escalated, Event(NotificationEvents.Escalated, escalated, $"N-{delivery.Id} escalated from {delivery.Channel} to {channel}: {why}", ("to", channel)));
        var draft = new Delivery(0, rule.Name, channel, delivery.Step + 1, delivery.Notice, DeliveryStatus.Queued, 0, now, now);
        _outbox.Add(draft, d => Event(NotificationEvents.Queued, d, $"N-{d.Id} queued for {channel} (escalated from N-{delivery.Id})", ("from", delivery.Id.ToString(CultureInfo.InvariantCulture))));
    }

    private CancellationTokenSource Timeout(Delivery delivery) =>
        new(_config.Channel(delivery.Channel)?.Timeout ?? TimeSpan.FromSeconds(10), _time);

    /// <summary>One attempt: null when the channel took it, else why not. Runs off the loop's thread; owns <paramref name="timer"/>.</summary>
    private async Task<string?> DeliverAsync(Delivery delivery, CancellationTokenSource timer, CancellationToken ct)
    {
        using var owned = timer;
        if (_config.Channel(delivery.Channel) is not { } config)
        {
            return $"no channel named '{delivery.Channel}' in notify.channels";
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct, timer.Token);
        try
        {
            await _channels.Open(config).SendAsync(delivery.Notice, timeout.Token).ConfigureAwait(false);
            return null;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return $"no answer within {Durations(config.Timeout)}";
        }
        catch (BatonException e)
        {
            return e.Message;
        }
        catch (Exception e) when (e is IOException or HttpRequestException or System.Net.Sockets.SocketException or System.Security.Authentication.AuthenticationException)
        {
            return e.Message;
        }
    }

    private NotifyRule? Rule(Delivery delivery) => _config.Rules.FirstOrDefault(r => r.Name == delivery.Rule);

    private EventRecord Event(string type, Delivery d, string message, params (string Key, string Value)[] extra)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["delivery"] = d.Id.ToString(CultureInfo.InvariantCulture),
            ["channel"] = d.Channel,
            ["rule"] = d.Rule,
            ["priority"] = d.Notice.Priority.ToText(),
            ["kind"] = d.Notice.Kind,
        };
        foreach (var (key, value) in extra)
        {
            metadata[key] = value;
        }

        return new EventRecord
        {
            Time = _time.GetUtcNow(),
            Type = type,
            Ticket = d.Notice.Ticket,
            Worker = d.Notice.Worker,
            Message = _redactor.Redact(message),
            Metadata = metadata,
        };
    }

    private static string Durations(TimeSpan t) =>
        t.TotalSeconds < 120 ? $"{t.TotalSeconds:0.#}s" : t.TotalMinutes < 120 ? $"{t.TotalMinutes:0.#}m" : $"{t.TotalHours:0.#}h";
}
