using System.Text.Json;
using System.Text.Json.Serialization;
using Baton.Core.Dispatch;
using Baton.Core.Graph;

namespace Baton.Cli.Rendering;

/// <summary>One gate run as the dashboard lists it (GET /api/gates): its counts and the end of its output.</summary>
public sealed record GateRunJson(long Id, string? Ticket, string? Worker, string? Branch, string Kind, string Status, int? Passed, int? Failed, int? Skipped, string Output, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt)
{
    public static GateRunJson From(Baton.Core.Merge.GateRun g)
    {
        ArgumentNullException.ThrowIfNull(g);
        return new(g.Id, g.Ticket is { } n ? Baton.Core.Tickets.TicketId.Format(n) : null, g.Worker, g.Branch,
            g.Kind, g.Status, g.Passed, g.Failed, g.Skipped, g.Output, g.StartedAt, g.FinishedAt);
    }
}

/// <summary>An active predicted conflict as ConflictWatch or `baton conflicts` recorded it (GET /api/conflicts).</summary>
public sealed record StoredConflictJson(long Id, string Severity, string BranchA, string? TicketA, string BranchB, string? TicketB, IReadOnlyList<string> Files, DateTimeOffset DetectedAt);

/// <summary>
/// The shapes of `baton nudge`, `baton approve` and the dashboard's own views, in a context of their
/// own so the CLI's main one stays as it is; same options, printed as readably.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(NudgeOutcome))]
[JsonSerializable(typeof(ApproveOutcome))]
[JsonSerializable(typeof(TicketGraph))]
[JsonSerializable(typeof(List<GateRunJson>))]
[JsonSerializable(typeof(List<StoredConflictJson>))]
internal sealed partial class ViewJsonContext : JsonSerializerContext
{
}

/// <summary>The readable instance of <see cref="ViewJsonContext"/> (see <see cref="CliJson"/>).</summary>
internal static class ViewJson
{
    public static readonly ViewJsonContext Readable = new(new JsonSerializerOptions(ViewJsonContext.Default.Options)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
