using System.Net;
using Baton.Infrastructure.GitHub;
using Xunit;

namespace Baton.IntegrationTests.GitHub;

/// <summary>The retry decisions of the GitHub client (pure; no server).</summary>
public sealed class GitHubRetryTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    [Fact]
    public void Server_errors_and_lost_connections_back_off_exponentially_and_give_up_after_the_last_try()
    {
        Assert.Equal(TimeSpan.FromSeconds(1), GitHubRetry.Delay(1, HttpStatusCode.BadGateway, null, null, null, Now));
        Assert.Equal(TimeSpan.FromSeconds(2), GitHubRetry.Delay(2, null, null, null, null, Now));
        Assert.Equal(TimeSpan.FromSeconds(4), GitHubRetry.Delay(3, HttpStatusCode.InternalServerError, null, null, null, Now));
        Assert.Null(GitHubRetry.Delay(GitHubRetry.MaxAttempts, HttpStatusCode.InternalServerError, null, null, null, Now));
    }

    [Fact]
    public void Retry_after_and_the_rate_limit_reset_are_honoured_within_the_bound()
    {
        Assert.Equal(TimeSpan.FromSeconds(7), GitHubRetry.Delay(1, HttpStatusCode.TooManyRequests, "7", null, null, Now));
        Assert.Equal(TimeSpan.FromSeconds(11), GitHubRetry.Delay(1, HttpStatusCode.Forbidden, null, "0", (Now.ToUnixTimeSeconds() + 10).ToString(System.Globalization.CultureInfo.InvariantCulture), Now));
        Assert.Null(GitHubRetry.Delay(1, HttpStatusCode.Forbidden, null, "0", (Now.ToUnixTimeSeconds() + 3600).ToString(System.Globalization.CultureInfo.InvariantCulture), Now));
        Assert.Null(GitHubRetry.Delay(1, HttpStatusCode.TooManyRequests, "600", null, null, Now));
    }

    [Theory]
    [InlineData(HttpStatusCode.Forbidden)]
    [InlineData(HttpStatusCode.NotFound)]
    [InlineData(HttpStatusCode.Unauthorized)]
    [InlineData(HttpStatusCode.UnprocessableEntity)]
    public void Refusals_that_are_no_rate_limit_are_not_retried(HttpStatusCode status) =>
        Assert.Null(GitHubRetry.Delay(1, status, null, "4999", null, Now));
}
