using Baton.Core.Dispatch;
using Xunit;

namespace Baton.Core.Tests.Dispatch;

public sealed class RateAndRetryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_bucket_allows_a_burst_then_refills_at_its_rate()
    {
        var bucket = new TokenBucket(capacity: 2, perMinute: 6, T0);

        Assert.True(bucket.TryTake(T0));
        Assert.True(bucket.TryTake(T0));
        Assert.False(bucket.TryTake(T0));
        Assert.False(bucket.TryTake(T0.AddSeconds(9)));
        Assert.True(bucket.TryTake(T0.AddSeconds(10)));
        Assert.Equal(2, bucket.Available(T0.AddHours(1)));
    }

    [Theory]
    [InlineData(1, 10)]
    [InlineData(2, 20)]
    [InlineData(3, 40)]
    [InlineData(6, 300)]
    [InlineData(40, 300)]
    public void Backoff_doubles_from_the_base_up_to_the_maximum(int failures, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), RetryPolicy.Delay(failures, TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void Branch_names_follow_the_pattern_with_a_safe_slug()
    {
        var ticket = new Baton.Core.Tickets.Ticket
        {
            Number = 7, Title = "Add JWT auth: extra *stuff*!", Status = Baton.Core.Tickets.TicketStatus.Open, CreatedAt = T0, UpdatedAt = T0,
        };

        Assert.Equal("baton/T-7-add-jwt-auth-extra-stuff-20261122120000", BranchName.For("baton/{ticket}-{slug}-{time}", ticket, T0));
        Assert.Equal("work", BranchName.Slug("!!!"));
        Assert.True(BranchName.Slug(new string('a', 100)).Length <= 40);
    }
}
