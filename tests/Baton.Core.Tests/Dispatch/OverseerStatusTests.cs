using Baton.Core.Dispatch;
using Baton.Core.Tickets;
using Baton.Core.Workers;
using Xunit;

namespace Baton.Core.Tests.Dispatch;

/// <summary>The overseer's status file of a feature whose tickets run on implementor branches.</summary>
public sealed class OverseerStatusTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static Ticket Ticket(long number, TicketStatus status, string? branch, string? worktree = null, string? assignee = null, string? note = null) => new()
    {
        Number = number, Title = "Part " + number, Status = status, Feature = "auth", Branch = branch, Worktree = worktree,
        Assignee = assignee, Note = note, CreatedAt = T0, UpdatedAt = T0,
    };

    [Theory]
    [InlineData("feature/auth/impl-data", true)]
    [InlineData("feature/auth/overseer", true)]
    [InlineData("feature/auth/impl-", false)]
    [InlineData("feature/auth/impl-Data", false)]
    [InlineData("feature/auth/extra/impl-data", false)]
    [InlineData("baton/T-1-x-20261201", false)]
    [InlineData(null, false)]
    public void Only_a_features_own_branches_outlive_their_tickets(string? branch, bool longLived) =>
        Assert.Equal(longLived, FeatureBranches.IsLongLived(branch));

    [Fact]
    public void Each_implementor_shows_the_ticket_on_its_branch_now_what_landed_and_what_waits()
    {
        var data = "feature/auth/impl-data";
        var api = "feature/auth/impl-api";
        var tickets = new[]
        {
            Ticket(1, TicketStatus.Done, data, "/w/T-1"),
            Ticket(2, TicketStatus.InProgress, data, "/w/T-2", assignee: "t2-1"),
            Ticket(3, TicketStatus.Open, data),
            Ticket(4, TicketStatus.Review, api, "/w/T-4"),
            Ticket(5, TicketStatus.Blocked, api, "/w/T-5", note: "needs the schema"),
            Ticket(6, TicketStatus.Open, "baton/T-6-x"),
            Ticket(7, TicketStatus.Failed, data, "/w/T-7"),
        };
        var workers = new[] { new Worker { Name = "t2-1", Agent = "scripted", Mode = WorkerMode.Tmux, Directory = "/w/T-2", State = WorkerState.Busy, StateSince = T0, CreatedAt = T0 } };

        var page = OverseerStatus.Render("auth", tickets, workers)!;

        Assert.Contains("Integration branch: feature/auth/overseer\n", page, StringComparison.Ordinal);
        Assert.Contains("| api | feature/auth/impl-api | T-4 Part 4 (review) | - | 0 | T-5 |\n", page, StringComparison.Ordinal);
        Assert.Contains("| data | feature/auth/impl-data | T-2 Part 2 (in-progress) | t2-1 (busy) | 1 | T-3 |\n", page, StringComparison.Ordinal);
        Assert.True(page.IndexOf("| api |", StringComparison.Ordinal) < page.IndexOf("| data |", StringComparison.Ordinal));
        Assert.Contains("## Waiting for the overseer\n\n(testing or in review, on the way into the integration branch)\n\n- T-4 Part 4 — feature/auth/impl-api\n", page, StringComparison.Ordinal);
        Assert.Contains("## Blocked\n\n- T-5 Part 5 — feature/auth/impl-api: needs the schema\n", page, StringComparison.Ordinal);
        Assert.Contains("## Failed\n\n(their work stays on their branch)\n\n- T-7 Part 7 — feature/auth/impl-data\n", page, StringComparison.Ordinal);
        Assert.Contains("1 other ticket of the feature on branches of their own", page, StringComparison.Ordinal);
        Assert.Equal("data", OverseerStatus.ImplementorOf(tickets[0]));
        Assert.Null(OverseerStatus.ImplementorOf(tickets[5]));
    }

    [Fact]
    public void A_feature_without_implementor_tickets_has_no_overseer_page()
    {
        Assert.Null(OverseerStatus.Render("auth", [Ticket(1, TicketStatus.Open, "baton/T-1-x")], []));
        Assert.Null(OverseerStatus.Render("other", [Ticket(1, TicketStatus.Open, "feature/auth/impl-data")], []));
    }
}
