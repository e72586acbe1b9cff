using Baton.Core.Dispatch;
using Xunit;

namespace Baton.Core.Tests.Dispatch;

public sealed class ResetTimeTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 14, 10, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("Usage limit reached, resets in 3s", 3)]
    [InlineData("You've hit your usage limit. Try again in 42 minutes.", 42 * 60)]
    [InlineData("limit reached - try again in 2 hours", 7200)]
    public void Relative_times_count_from_now(string text, int seconds)
    {
        Assert.Equal(Now.AddSeconds(seconds), ResetTime.Parse(text, Now, TimeZoneInfo.Utc));
    }

    [Fact]
    public void A_clock_time_means_its_next_occurrence()
    {
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 15, 0, 0, TimeSpan.Zero), ResetTime.Parse("5-hour limit reached ∙ resets 3pm", Now, TimeZoneInfo.Utc));
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 9, 30, 0, TimeSpan.Zero), ResetTime.Parse("Claude usage limit reached. Your limit will reset at 09:30", Now, TimeZoneInfo.Utc));
    }

    [Fact]
    public void An_iso_time_is_taken_as_it_is_and_nonsense_is_null()
    {
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 18, 0, 0, TimeSpan.Zero), ResetTime.Parse("resets at 2026-11-22T18:00:00Z", Now, TimeZoneInfo.Utc));
        Assert.Null(ResetTime.Parse("usage limit reached", Now, TimeZoneInfo.Utc));
    }
}
