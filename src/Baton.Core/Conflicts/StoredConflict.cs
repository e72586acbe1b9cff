namespace Baton.Core.Conflicts;

/// <summary>
/// A conflict as the store keeps it: predicted by the radar (<see cref="Source"/> <c>predicted</c>),
/// or logged by hand (<c>manual</c>: only `baton conflicts resolve` ends it, never a scan).
/// </summary>
public sealed record StoredConflict(long Id, string BranchA, string BranchB, IReadOnlyList<string> Files, string Severity, DateTimeOffset DetectedAt)
{
    public const string Predicted = "predicted";
    public const string Manual = "manual";

    public string Key => PredictedConflict.Pair(BranchA, BranchB);

    /// <summary>C-n, as the commands show it.</summary>
    public string Label => FormatId(Id);

    public string Source { get; init; } = Predicted;

    public string? Feature { get; init; }

    /// <summary>What whoever logged it said about it.</summary>
    public string? Note { get; init; }

    public string Status { get; init; } = "active";

    /// <summary>The note it was resolved with.</summary>
    public string? Resolution { get; init; }

    public DateTimeOffset? ResolvedAt { get; init; }

    public static string FormatId(long id) => "C-" + id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Reads C-4 or 4; null when it is neither.</summary>
    public static long? ParseId(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var digits = text.StartsWith("C-", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
        return long.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) && id > 0 ? id : null;
    }
}
