using System.Globalization;
using System.Text;

namespace Baton.Core.GitHub;

/// <summary>
/// What goes back to a ticket's agent when reviewers ask for changes on its pull request: each
/// reviewer whose latest verdict is "changes requested" on the head Baton pushed, with the review's
/// text and its comments on lines of the diff. A review of an older head was answered by a later
/// push and is not sent again; nor is one already delivered.
/// </summary>
public static class ReviewFeedback
{
    /// <summary>Most characters of review text handed on (typed into the agent's pane).</summary>
    public const int MaxLength = 6000;

    /// <summary>The reviews to deliver (ids) and the text, or null when there are none.</summary>
    public static (IReadOnlyList<long> Reviews, string Reviewers, string Text)? For(
        IReadOnlyList<GitHubReview> reviews, IReadOnlyList<GitHubReviewComment> comments, string? head, IReadOnlySet<long> delivered)
    {
        ArgumentNullException.ThrowIfNull(reviews);
        ArgumentNullException.ThrowIfNull(comments);
        ArgumentNullException.ThrowIfNull(delivered);
        var wanted = reviews
            .Where(r => r.State is "APPROVED" or "CHANGES_REQUESTED" or "DISMISSED")
            .GroupBy(r => r.Reviewer, StringComparer.Ordinal)
            .Select(g => g.Last())
            .Where(r => r.State == "CHANGES_REQUESTED" && !delivered.Contains(r.Id)
                && (r.CommitId is null || head is null || string.Equals(r.CommitId, head, StringComparison.OrdinalIgnoreCase)))
            .ToList();
        if (wanted.Count == 0)
        {
            return null;
        }

        var text = new StringBuilder();
        foreach (var review in wanted)
        {
            text.Append(CultureInfo.InvariantCulture, $"Review by {review.Reviewer} (changes requested):\n");
            if (review.Body.Trim() is { Length: > 0 } body)
            {
                text.Append(body).Append('\n');
            }

            foreach (var c in comments.Where(c => c.ReviewId == review.Id && c.Body.Trim().Length > 0))
            {
                var where = c.Line is { } line ? $"{c.Path}:{line.ToString(CultureInfo.InvariantCulture)}" : c.Path;
                text.Append(CultureInfo.InvariantCulture, $"- {where}: {c.Body.Trim()}\n");
            }
        }

        var all = text.ToString().TrimEnd();
        if (all.Length > MaxLength)
        {
            all = all[..MaxLength] + "\n[... the rest is on the pull request]";
        }

        return (wanted.Select(r => r.Id).ToList(), string.Join(", ", wanted.Select(r => r.Reviewer)), all);
    }
}
