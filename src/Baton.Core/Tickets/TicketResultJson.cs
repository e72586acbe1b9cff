using System.Text.Json;
using System.Text.Json.Serialization;

namespace Baton.Core.Tickets;

/// <summary>The results file a finished ticket leaves in <c>.baton/results/</c>.</summary>
public sealed record TicketResult(
    string TaskId,
    string Ticket,
    string Status,
    string? Worker,
    string? Summary,
    IReadOnlyList<string> Artifacts,
    double? ExecutionTime,
    DateTimeOffset? FinishedAt);

/// <summary>A task file dropped into <c>.baton/inbox/</c> by an agent or script that cannot call the CLI.</summary>
public sealed record InboxTask
{
    public string? TaskId { get; init; }
    public string? Title { get; init; }
    public string? Description { get; init; }
    public string? Worker { get; init; }
    public string? Role { get; init; }
    public List<string>? Dependencies { get; init; }
    public string? Priority { get; init; }

    /// <summary>Seconds the task may run (the ticket's time limit, rounded up to whole minutes).</summary>
    public int? Timeout { get; init; }

    public List<string>? Labels { get; init; }
    public string? Feature { get; init; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    WriteIndented = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(TicketResult))]
[JsonSerializable(typeof(InboxTask))]
internal sealed partial class TicketJsonContext : JsonSerializerContext
{
}

public static class TicketResultJson
{
    public static string Write(string taskId, Ticket t, double? seconds)
    {
        ArgumentNullException.ThrowIfNull(t);
        var result = new TicketResult(taskId, t.Id, t.Status.ToText(), t.Assignee, t.Summary, t.Artifacts,
            seconds is null ? null : Math.Round(seconds.Value, 3), t.FinishedAt);
        return JsonSerializer.Serialize(result, TicketJsonContext.Default.TicketResult);
    }

    /// <summary>Reads an inbox file; malformed JSON or unknown fields throw JsonException with the position.</summary>
    public static InboxTask ReadInbox(string json) =>
        JsonSerializer.Deserialize(json, TicketJsonContext.Default.InboxTask) ?? throw new JsonException("the file holds null, not a task object");
}
