using Baton.Core.GitHub;
using Baton.Core.Tickets;
using Xunit;

namespace Baton.Core.Tests.GitHub;

/// <summary>What an issue's labels and body say about its ticket: priority and dependencies.</summary>
public sealed class IssueTextTests
{
    [Theory]
    [InlineData("priority: high", Priority.High)]
    [InlineData("Priority: Critical", Priority.Critical)]
    [InlineData("priority/low", Priority.Low)]
    [InlineData("priority-medium", Priority.Medium)]
    [InlineData("prio:urgent", Priority.Critical)]
    [InlineData("p0", Priority.Critical)]
    [InlineData("P1", Priority.High)]
    [InlineData("priority: p3", Priority.Low)]
    public void Priority_labels_in_their_usual_spellings_map_to_a_priority(string label, Priority expected) =>
        Assert.Equal(expected, IssuePriority.Parse(label));

    [Theory]
    [InlineData("high")]
    [InlineData("low")]
    [InlineData("bug")]
    [InlineData("p10")]
    [InlineData("priority: someday")]
    [InlineData("priority")]
    public void Labels_that_name_no_priority_leave_it_alone(string label) => Assert.Null(IssuePriority.Parse(label));

    [Fact]
    public void The_most_urgent_of_several_priority_labels_wins_and_none_gives_null()
    {
        Assert.Equal(Priority.Critical, IssuePriority.Of(["p2", "bug", "priority: critical", "p1"]));
        Assert.Null(IssuePriority.Of(["bug", "claude-ready"]));
    }

    [Theory]
    [InlineData("Depends on #12", new[] { 12 })]
    [InlineData("This is blocked by #3.\nAlso depends on: #4", new[] { 3, 4 })]
    [InlineData("DEPENDS ON #5, #6 and #7 & #8", new[] { 5, 6, 7, 8 })]
    [InlineData("blocked   by\n#9", new[] { 9 })]
    [InlineData("Depends on #2; depends on #2 again", new[] { 2 })]
    public void Depends_on_and_blocked_by_phrases_give_the_issue_numbers_in_order(string body, int[] expected) =>
        Assert.Equal(expected, IssueDependencies.Parse(body));

    [Theory]
    [InlineData("Fixes #12")]
    [InlineData("See #12; it depends on how we do it")]
    [InlineData("Write `depends on #12` in an issue to make it wait")]
    [InlineData("```\ndepends on #12\n```")]
    [InlineData("depends on acme/other#12")]
    public void Other_mentions_and_examples_in_code_are_no_dependencies(string body) => Assert.Empty(IssueDependencies.Parse(body));

    [Fact]
    public void An_issue_never_depends_on_itself() => Assert.Equal(new[] { 4 }, IssueDependencies.Parse("Depends on #7 and #4", self: 7));
}
