using System.Text.Json;
using System.Text.Json.Serialization;

namespace Baton.Cli.Rendering;

public sealed record WorkerJson(
    string Name,
    string Agent,
    string? Role,
    string Mode,
    string State,
    string? Evidence,
    string Directory,
    string? Session,
    string? Socket,
    long AgeSeconds,
    long? SecondsSinceOutput,
    int? ExitCode,
    int? Pid,
    string? LogPath,
    DateTimeOffset CreatedAt,
    DateTimeOffset StateSince,
    string? Ticket,
    DateTimeOffset? PausedUntil,
    long? ContextTokens = null,
    long? ContextEffectiveWindow = null,
    double? ContextPercent = null,
    bool Pooled = false);

public sealed record SendJson(string Worker, bool Verified, int EnterAttempts, int Chunks, string Detail);

public sealed record KillJson(string Worker, string How, bool Graceful);

public sealed record CaptureJson(string Worker, int Lines, string Text);

public sealed record InitJson(string Root, string Database, bool Created, IReadOnlyList<string> Written);

public sealed record EventJson(
    long Id,
    DateTimeOffset Time,
    string Type,
    string? Worker,
    string? Ticket,
    string? Feature,
    string? Role,
    string Message,
    string? Commit,
    IReadOnlyDictionary<string, string>? Metadata);

public sealed record OnDemandGateJson(long Id, string? Ticket, string Branch, string Commit, string Kind, string Status, int? Passed, int? Failed, int? Skipped,
    string Summary, string Output, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt);

public sealed record CiGenerateJson(IReadOnlyList<string> Written, bool ConflictsJob, string Note);

public sealed record ServiceInstallJson(string Unit, string Instance, bool User, bool Enabled, string EnvironmentFile);

public sealed record GcItemJson(string Kind, string Target, string Reason, bool Removed, string? Ticket, string? WipRef, string? Kept);

public sealed record GcJson(bool DryRun, string OlderThan, IReadOnlyList<GcItemJson> Items);

public sealed record StoreTableJson(string Table, int Rows);

public sealed record NodeLeaseJson(string Ticket, string Worker, long Token, DateTimeOffset ExpiresAt);

public sealed record NodeJson(string Name, string Status, string Host, int Pid, int Capacity, IReadOnlyList<string> Labels, DateTimeOffset HeartbeatAt, long HeartbeatSecondsAgo, IReadOnlyList<NodeLeaseJson> Leases);

public sealed record NodesJson(IReadOnlyList<NodeJson> Nodes, IReadOnlyList<string> Pruned);

public sealed record StoreMigrateJson(string From, string To, int Rows, IReadOnlyList<StoreTableJson> Tables);

public sealed record FindingJson(string Severity, string Kind, string Subject, string Detail, string Fix);

public sealed record ValidateJson(int Errors, int Warnings, IReadOnlyList<FindingJson> Findings);

public sealed record SnapshotJson(string Ticket, string Worktree, string Ref);

public sealed record EmergencyStopJson(int? LoopPid, IReadOnlyList<string> Ended, IReadOnlyList<SnapshotJson> Snapshots, IReadOnlyList<string> Reopened, IReadOnlyList<string> Problems);

public sealed record ErrorJson(string Error, int ExitCode);

public sealed record AutopilotStateJson(string Message, bool Running);

public sealed record NotificationJson(
    string Id, string Rule, string Channel, string Status, string Priority, string Kind, string Title, string? Ticket, string? Worker,
    int Attempts, string? LastError, DateTimeOffset CreatedAt, DateTimeOffset? SentAt, DateTimeOffset? AckedAt, string? AckedBy, bool Test);

public sealed record AutopilotSummaryJson(string Stopped, int Done, int Failed, int Other);

/// <summary>One line of `up --json`: what kind of action, on which ticket and worker, its text and its values.</summary>
public sealed record AutopilotLineJson(DateTimeOffset Time, string Message, string Type = "note", string? Ticket = null, string? Worker = null, IReadOnlyDictionary<string, string>? Fields = null);

/// <summary>One ticket `baton sync-status` changed or recorded a commit for.</summary>
public sealed record SyncChangeJson(string Type, string Ticket, string Commit, bool Closes, bool Landed, string Subject, string From, string? To, string Message);

public sealed record DemoJson(string Directory, string TmuxSocket, int Done, int Failed, int Other, IReadOnlyList<TicketJson> Tickets);

public sealed record WipJson(string Ref, string Commit, DateTimeOffset Date, string Subject);

public sealed record ConflictJson(string Severity, string BranchA, string? TicketA, string BranchB, string? TicketB, IReadOnlyList<string> Files, string? Id = null);

public sealed record MergeRequestJson(int? Position, string? Ticket, string Branch, string Target, string Kind, string Status, string? Detail, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record FeatureBranchJson(string Branch, bool Created);

public sealed record FeatureInitJson(string Feature, string BaseBranch, IReadOnlyList<FeatureBranchJson> Branches);

public sealed record LiveBranchJson(string Name, string? Target, string? Ticket, string? Feature);

public sealed record ConflictsJson(
    IReadOnlyList<LiveBranchJson> Branches,
    IReadOnlyList<string> Missing,
    int Pairs,
    int Skipped,
    int MergeTrees,
    long ElapsedMs,
    IReadOnlyList<ConflictJson> Conflicts,
    int Detected,
    int Resolved,
    IReadOnlyList<string> SuggestedOrder,
    IReadOnlyList<LoggedConflictJson>? Logged = null);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(List<NotificationJson>))]
[JsonSerializable(typeof(OnDemandGateJson))]
[JsonSerializable(typeof(GcJson))]
[JsonSerializable(typeof(StoreMigrateJson))]
[JsonSerializable(typeof(EmergencyStopJson))]
[JsonSerializable(typeof(ValidateJson))]
[JsonSerializable(typeof(CiGenerateJson))]
[JsonSerializable(typeof(ServiceInstallJson))]
[JsonSerializable(typeof(WorkerJson))]
[JsonSerializable(typeof(SandboxCheckJson))]
[JsonSerializable(typeof(List<CredentialJson>))]
[JsonSerializable(typeof(CredentialJson))]
[JsonSerializable(typeof(List<WorkerJson>))]
[JsonSerializable(typeof(SendJson))]
[JsonSerializable(typeof(KillJson))]
[JsonSerializable(typeof(List<KillJson>))]
[JsonSerializable(typeof(CaptureJson))]
[JsonSerializable(typeof(InitJson))]
[JsonSerializable(typeof(List<EventJson>))]
[JsonSerializable(typeof(ErrorJson))]
[JsonSerializable(typeof(EventJson))]
[JsonSerializable(typeof(TicketJson))]
[JsonSerializable(typeof(List<TicketJson>))]
[JsonSerializable(typeof(AssignJson))]
[JsonSerializable(typeof(FeatureJson))]
[JsonSerializable(typeof(StatusJson))]
[JsonSerializable(typeof(WorktreeDiskJson))]
[JsonSerializable(typeof(InboxJson))]
[JsonSerializable(typeof(AutopilotStateJson))]
[JsonSerializable(typeof(AutopilotSummaryJson))]
[JsonSerializable(typeof(AutopilotLineJson))]
[JsonSerializable(typeof(DemoJson))]
[JsonSerializable(typeof(List<WipJson>))]
[JsonSerializable(typeof(WipJson))]
[JsonSerializable(typeof(ConflictsJson))]
[JsonSerializable(typeof(LoggedConflictJson))]
[JsonSerializable(typeof(MergeRequestJson))]
[JsonSerializable(typeof(List<MergeRequestJson>))]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(FeatureInitJson))]
[JsonSerializable(typeof(UsageJson))]
[JsonSerializable(typeof(BudgetJson))]
[JsonSerializable(typeof(List<BudgetLineJson>))]
[JsonSerializable(typeof(DoctorJson))]
[JsonSerializable(typeof(List<SyncChangeJson>))]
[JsonSerializable(typeof(List<RoleJson>))]
[JsonSerializable(typeof(RoleContextJson))]
[JsonSerializable(typeof(DirectiveJson))]
[JsonSerializable(typeof(List<DirectiveJson>))]
[JsonSerializable(typeof(MemoryJson))]
[JsonSerializable(typeof(NodesJson))]
internal sealed partial class CliJsonContext : JsonSerializerContext
{
}

/// <summary>
/// The context the CLI prints with: readable text (quotes, '&amp;', backticks and non-ASCII as they
/// are, not \u escapes); still valid JSON. A class of its own so that its initialiser runs after
/// the generated <c>CliJsonContext.Default</c> exists.
/// </summary>
internal static class CliJson
{
    public static readonly CliJsonContext Readable = new(new JsonSerializerOptions(CliJsonContext.Default.Options)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    /// <summary>One value on one line (JSON Lines), whatever the context's indentation.</summary>
    public static string Line<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            JsonSerializer.Serialize(writer, value, info);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
