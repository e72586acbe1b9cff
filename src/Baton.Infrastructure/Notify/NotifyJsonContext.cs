using System.Text.Json.Serialization;

namespace Baton.Infrastructure.Notify;

/// <summary>A Slack-compatible incoming webhook's body.</summary>
internal sealed record SlackMessage([property: JsonPropertyName("text")] string Text);

/// <summary>The generic webhook's body (signed, see <see cref="WebhookChannel"/>).</summary>
internal sealed record WebhookMessage(
    [property: JsonPropertyName("priority")] string Priority,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("ticket")] string? Ticket,
    [property: JsonPropertyName("worker")] string? Worker,
    [property: JsonPropertyName("event_id")] long EventId,
    [property: JsonPropertyName("time")] DateTimeOffset Time,
    [property: JsonPropertyName("key")] string Key);

[JsonSerializable(typeof(SlackMessage))]
[JsonSerializable(typeof(WebhookMessage))]
internal sealed partial class NotifyJsonContext : JsonSerializerContext;
