namespace Baton.Core.GitHub;

/// <summary>GitHub's rate limit is used up (a 403 or 429 that retrying within a minute did not clear); <see cref="Until"/> is when GitHub said it resets, if it did.</summary>
public sealed class GitHubRateLimitException : BatonException
{
    public GitHubRateLimitException(string message, DateTimeOffset? until) : base(message)
    {
        Until = until;
    }

    public DateTimeOffset? Until { get; }
}
