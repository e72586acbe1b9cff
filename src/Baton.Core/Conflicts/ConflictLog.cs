using Baton.Core.Events;
using Baton.Core.Storage;

namespace Baton.Core.Conflicts;

/// <summary>
/// Conflicts logged by hand (`baton conflicts log F --files a,b`): one an overseer or a person
/// found that the radar cannot predict (a semantic clash, a conflict already being resolved on a
/// branch), kept active until `baton conflicts resolve C-n` says how it was settled. Resolving
/// works on predicted conflicts too (a scan that still predicts one records it again).
/// </summary>
public sealed class ConflictLog
{
    private readonly ITicketStore _tickets;
    private readonly IConflictStore _store;

    public ConflictLog(ITicketStore tickets, IConflictStore store)
    {
        _tickets = tickets;
        _store = store;
    }

    /// <param name="branch">The branch it is on; null: the feature's overseer branch.</param>
    /// <param name="with">The other side, when there is one branch to name.</param>
    public StoredConflict Log(string feature, IReadOnlyList<string> files, string severity, string? note, string? branch, string? with, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(feature);
        ArgumentNullException.ThrowIfNull(files);
        if (_tickets.GetFeature(feature) is null)
        {
            throw BatonException.Usage($"conflicts log: unknown feature '{feature}' (`baton status` lists the features; `baton feature init {feature}` makes it)");
        }

        var clean = files.Select(f => f.Trim()).Where(f => f.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (clean.Count == 0)
        {
            throw BatonException.Usage("conflicts log: --files names no file: give the paths in conflict, e.g. --files src/a.cs,src/b.cs");
        }

        if (severity is not (PredictedConflict.Warning or PredictedConflict.Critical))
        {
            throw BatonException.Usage($"conflicts log: --severity '{severity}' is not one of warning, critical");
        }

        var a = string.IsNullOrWhiteSpace(branch) ? $"feature/{feature}/overseer" : branch.Trim();
        var conflict = new StoredConflict(0, a, with?.Trim() ?? "", clean, severity, now) { Feature = feature, Note = string.IsNullOrWhiteSpace(note) ? null : note };
        return _store.Log(conflict, c => new EventRecord
        {
            Time = now,
            Type = EventTypes.ConflictDetected,
            Feature = feature,
            Message = $"{c.Label} logged in {feature}: {Describe(c)} ({severity})" + (c.Note is null ? "" : ": " + c.Note),
            Metadata = Metadata(c),
        });
    }

    public StoredConflict Resolve(string id, string? note, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (StoredConflict.ParseId(id) is not { } number)
        {
            throw BatonException.Usage($"conflicts resolve: '{id}' is not a conflict id; give one like C-4 (`baton conflicts --json` and `baton status` show them)");
        }

        if (_store.GetConflict(number) is not { } found)
        {
            throw BatonException.Usage($"conflicts resolve: there is no conflict {StoredConflict.FormatId(number)} (`baton status` lists the active ones)");
        }

        var text = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        return _store.Resolve(number, text, now, c => new EventRecord
        {
            Time = now,
            Type = EventTypes.ConflictResolved,
            Feature = c.Feature,
            Message = $"{c.Label} resolved: {Describe(c)}" + (text is null ? "" : ": " + text),
            Metadata = new Dictionary<string, string>(Metadata(c)) { ["note"] = text ?? "" },
        }) ?? throw new BatonException($"conflicts resolve: {found.Label} is already resolved" + (found.ResolvedAt is { } at ? $" (at {at:u})" : "") + "; nothing to do");
    }

    private static string Describe(StoredConflict c) =>
        (c.BranchB.Length == 0 ? c.BranchA : $"{c.BranchA} and {c.BranchB}") + " in " + string.Join(", ", c.Files);

    private static Dictionary<string, string> Metadata(StoredConflict c) => new()
    {
        ["conflict"] = c.Label,
        ["source"] = c.Source,
        ["branch_a"] = c.BranchA,
        ["branch_b"] = c.BranchB,
        ["files"] = string.Join(",", c.Files),
        ["severity"] = c.Severity,
    };
}
