using Baton.Core.GitHub;
using Xunit;

namespace Baton.Core.Tests.GitHub;

/// <summary>Which review text goes back to a ticket's agent.</summary>
public sealed class ReviewFeedbackTests
{
    private static readonly HashSet<long> None = [];

    [Fact]
    public void Changes_requested_on_the_pushed_head_give_the_review_text_and_its_line_comments()
    {
        var reviews = new[]
        {
            new GitHubReview(1, "ana", "COMMENTED", "nice", "abc"),
            new GitHubReview(2, "ana", "CHANGES_REQUESTED", "Please handle the empty list.", "abc"),
            new GitHubReview(3, "bo", "APPROVED", "", "abc"),
        };
        var comments = new[]
        {
            new GitHubReviewComment(2, "src/list.cs", 12, "this throws on []"),
            new GitHubReviewComment(3, "src/other.cs", 1, "not this one"),
        };

        var feedback = ReviewFeedback.For(reviews, comments, "ABC", None);

        Assert.NotNull(feedback);
        Assert.Equal(new long[] { 2 }, feedback.Value.Reviews);
        Assert.Equal("ana", feedback.Value.Reviewers);
        Assert.Equal("Review by ana (changes requested):\nPlease handle the empty list.\n- src/list.cs:12: this throws on []", feedback.Value.Text);
    }

    [Fact]
    public void A_later_approval_an_older_head_or_a_delivered_review_give_nothing()
    {
        var superseded = new[] { new GitHubReview(1, "ana", "CHANGES_REQUESTED", "fix", "abc"), new GitHubReview(2, "ana", "APPROVED", "ok", "abc") };
        var old = new[] { new GitHubReview(1, "ana", "CHANGES_REQUESTED", "fix", "abc") };

        Assert.Null(ReviewFeedback.For(superseded, [], "abc", None));
        Assert.Null(ReviewFeedback.For(old, [], "def", None));
        Assert.Null(ReviewFeedback.For(old, [], "abc", new HashSet<long> { 1 }));
        Assert.NotNull(ReviewFeedback.For(old, [], "abc", None));
    }

    [Fact]
    public void Long_review_text_is_cut_with_a_pointer_to_the_pull_request()
    {
        var reviews = new[] { new GitHubReview(1, "ana", "CHANGES_REQUESTED", new string('x', 10_000), null) };

        var text = ReviewFeedback.For(reviews, [], "abc", None)!.Value.Text;

        Assert.True(text.Length < ReviewFeedback.MaxLength + 100);
        Assert.EndsWith("[... the rest is on the pull request]", text, StringComparison.Ordinal);
    }
}
