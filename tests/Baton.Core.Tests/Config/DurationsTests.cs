using Baton.Core.Config;
using Xunit;

namespace Baton.Core.Tests.Config;

/// <summary>One duration parser for config.yaml and `--since`: every input either accepted before is still accepted, with the same meaning.</summary>
public sealed class DurationsTests
{
    [Theory]
    // What config.yaml always took: ms, s, m, h, decimals, a bare number of seconds
    [InlineData("250ms", true, 0.25)]
    [InlineData("10s", true, 10)]
    [InlineData("1.5m", true, 90)]
    [InlineData("2h", true, 7200)]
    [InlineData(" 5s ", true, 5)]
    [InlineData("0s", true, 0)]
    [InlineData("30", true, 30)]
    // What --since always took: s, m, h, d, decimals
    [InlineData("30s", false, 30)]
    [InlineData("10m", false, 600)]
    [InlineData("0.5h", false, 1800)]
    [InlineData("1d", false, 86400)]
    // Now both take every unit
    [InlineData("1d", true, 86400)]
    [InlineData("100ms", false, 0.1)]
    public void Accepts_a_number_with_a_unit(string text, bool bareSeconds, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), Durations.Parse(text, bareSeconds));

    [Theory]
    [InlineData("30", false)] // --since: a bare number is no duration (it may be a date)
    [InlineData("-1s", true)]
    [InlineData("s", true)]
    [InlineData("ten seconds", true)]
    [InlineData("", true)]
    [InlineData("1w", true)]
    [InlineData("2026-11-22T10:00:00Z", false)]
    public void Refuses_what_is_not_a_duration(string text, bool bareSeconds) =>
        Assert.Null(Durations.Parse(text, bareSeconds));

    [Theory]
    [InlineData(7200, "2h")]
    [InlineData(600, "10m")]
    [InlineData(90, "90s")]
    [InlineData(1.5, "1.5s")]
    [InlineData(0.25, "250ms")]
    public void Formats_in_the_largest_whole_unit_and_reads_back(double seconds, string text)
    {
        Assert.Equal(text, Durations.Format(TimeSpan.FromSeconds(seconds)));
        Assert.Equal(TimeSpan.FromSeconds(seconds), Durations.Parse(text, bareSeconds: false));
    }
}
