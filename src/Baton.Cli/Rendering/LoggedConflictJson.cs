namespace Baton.Cli.Rendering;

/// <summary>A conflict as `baton conflicts log`, `resolve` and the scan's `logged` list show it.</summary>
public sealed record LoggedConflictJson(
    string Id,
    string Source,
    string? Feature,
    string Severity,
    string BranchA,
    string BranchB,
    IReadOnlyList<string> Files,
    string? Note,
    string Status,
    string? Resolution,
    DateTimeOffset DetectedAt,
    DateTimeOffset? ResolvedAt)
{
    public static LoggedConflictJson From(Baton.Core.Conflicts.StoredConflict c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return new(c.Label, c.Source, c.Feature, c.Severity, c.BranchA, c.BranchB, c.Files, c.Note, c.Status, c.Resolution, c.DetectedAt, c.ResolvedAt);
    }
}
