using System.Text.RegularExpressions;

namespace Baton.Core.Agents;

/// <summary>
/// The screen patterns that tell an agent's state. They are matched only against a region of the
/// screen (see <see cref="RegionLines"/> and <see cref="RegionAnchor"/>), so stale text higher up,
/// such as an old answer that quotes "esc to interrupt", cannot fool the classifier.
/// </summary>
public sealed record ScreenRules
{
    /// <summary>How many non-blank lines the region has.</summary>
    public int RegionLines { get; init; } = 8;

    /// <summary>
    /// When set, the region ends just above the last line matching this pattern (plus
    /// <see cref="RegionBelowAnchor"/> lines under it), instead of at the bottom of the screen.
    /// </summary>
    public Regex? RegionAnchor { get; init; }

    public int RegionBelowAnchor { get; init; }

    public Regex? Ready { get; init; }
    public Regex? Busy { get; init; }
    public Regex? Waiting { get; init; }

    /// <summary>Captures the text currently typed in the input line (group 1).</summary>
    public Regex? InputLine { get; init; }

    /// <summary>
    /// The agent's "usage limit reached" message, matched against the last lines of the whole screen
    /// (it prints above its prompt); the text after it says when the limit resets.
    /// </summary>
    public Regex? UsageLimit { get; init; }

    /// <summary>A change to idle counts only once the screen has been still this long.</summary>
    public TimeSpan IdleDebounce { get; init; } = TimeSpan.FromMilliseconds(800);
}
