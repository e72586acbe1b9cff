using System.Text.Json;
using System.Text.Json.Serialization;
using Baton.Core.Handoff;
using Baton.Core.Tickets;

namespace Baton.Cli.Rendering;

/// <summary>One handoff in `baton handoff --json` and `baton handoffs --json`.</summary>
public sealed record HandoffRowJson(
    string Id, string? Ticket, string FromWorker, string FromAgent, string? ToWorker, string ToAgent, string Reason, string Trigger,
    string Status, string? Source, double? ContextPercent, long? ContextTokens, string? WipRef, string? PacketPath, string? Error,
    DateTimeOffset TriggeredAt, DateTimeOffset? FinishedAt, long? LatencyMs)
{
    public static HandoffRowJson From(HandoffRow h) => new(
        h.IdText, h.Ticket is { } t ? TicketId.Format(t) : null, h.FromWorker, h.FromAgent, h.ToWorker, h.ToAgent, h.Reason, h.Trigger, h.Status, h.Source,
        h.ContextPercent, h.ContextTokens, h.WipRef, h.PacketPath, h.Error, h.TriggeredAt, h.FinishedAt, h.LatencyMs);
}

/// <summary>What `baton handoff write` answers the agent.</summary>
public sealed record HandoffWriteJson(string Handoff, bool Accepted, IReadOnlyList<string> Errors, string? Path);

/// <summary>JSON of the handoff commands (a context of its own beside <see cref="CliJsonContext"/>).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(HandoffRowJson))]
[JsonSerializable(typeof(List<HandoffRowJson>))]
[JsonSerializable(typeof(HandoffWriteJson))]
internal sealed partial class HandoffJsonOutContext : JsonSerializerContext
{
}

/// <summary>Readable text like <see cref="CliJson.Readable"/>; a class of its own so it initialises after <c>HandoffJsonOutContext.Default</c>.</summary>
internal static class HandoffCliJson
{
    public static readonly HandoffJsonOutContext Readable = new(new JsonSerializerOptions(HandoffJsonOutContext.Default.Options)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
