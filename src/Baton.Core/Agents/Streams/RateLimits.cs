using System.Text.RegularExpressions;

namespace Baton.Core.Agents.Streams;

/// <summary>Recognises rate-limit and usage-limit messages in an agent's error text, and the wait they name.</summary>
public static partial class RateLimits
{
    [GeneratedRegex(@"(?i)(\b429\b|rate[ _-]?limit|too many requests|usage limit|quota exceeded)")]
    private static partial Regex LimitText();

    [GeneratedRegex(@"(?i)retry[ _-]after\D{0,3}(\d+(?:\.\d+)?)\s*(ms|s|seconds?)?")]
    private static partial Regex RetryAfterText();

    public static bool IsLimit(string? text) => !string.IsNullOrEmpty(text) && LimitText().IsMatch(text);

    /// <summary>A "retry-after: N" in the text (seconds unless it says ms), else null. Other wordings go through <see cref="Dispatch.ResetTime"/>.</summary>
    public static TimeSpan? RetryAfter(string? text)
    {
        if (string.IsNullOrEmpty(text) || RetryAfterText().Match(text) is not { Success: true } m)
        {
            return null;
        }

        var n = double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        return m.Groups[2].Value.Equals("ms", StringComparison.OrdinalIgnoreCase) ? TimeSpan.FromMilliseconds(n) : TimeSpan.FromSeconds(n);
    }
}
