using Baton.Core.Tickets;
using Xunit;

namespace Baton.Core.Tests.Tickets;

public sealed class TicketTransitionTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private static Ticket Ticket(TicketStatus status) => new()
    {
        Number = 3,
        Title = "t",
        Status = status,
        CreatedAt = Now,
        UpdatedAt = Now,
    };

    public static TheoryData<TicketStatus, TicketStatus> Allowed => new()
    {
        { TicketStatus.Open, TicketStatus.Queued },
        { TicketStatus.Open, TicketStatus.InProgress },
        { TicketStatus.Open, TicketStatus.Blocked },
        { TicketStatus.Open, TicketStatus.Cancelled },
        { TicketStatus.Open, TicketStatus.Done },
        { TicketStatus.Queued, TicketStatus.Open },
        { TicketStatus.Queued, TicketStatus.InProgress },
        { TicketStatus.Queued, TicketStatus.Blocked },
        { TicketStatus.Queued, TicketStatus.Cancelled },
        { TicketStatus.InProgress, TicketStatus.Open },
        { TicketStatus.InProgress, TicketStatus.Queued },
        { TicketStatus.InProgress, TicketStatus.Testing },
        { TicketStatus.InProgress, TicketStatus.Review },
        { TicketStatus.InProgress, TicketStatus.Done },
        { TicketStatus.InProgress, TicketStatus.Blocked },
        { TicketStatus.InProgress, TicketStatus.Failed },
        { TicketStatus.InProgress, TicketStatus.Cancelled },
        { TicketStatus.Testing, TicketStatus.InProgress },
        { TicketStatus.Testing, TicketStatus.Review },
        { TicketStatus.Testing, TicketStatus.Done },
        { TicketStatus.Testing, TicketStatus.Blocked },
        { TicketStatus.Testing, TicketStatus.Failed },
        { TicketStatus.Review, TicketStatus.InProgress },
        { TicketStatus.Review, TicketStatus.Testing },
        { TicketStatus.Review, TicketStatus.Done },
        { TicketStatus.Review, TicketStatus.Failed },
        { TicketStatus.Blocked, TicketStatus.Open },
        { TicketStatus.Blocked, TicketStatus.Queued },
        { TicketStatus.Blocked, TicketStatus.InProgress },
        { TicketStatus.Blocked, TicketStatus.Done }, // a person settles what blocked it by doing it (issue 18)
        { TicketStatus.Blocked, TicketStatus.Failed },
        { TicketStatus.Blocked, TicketStatus.Cancelled },
        { TicketStatus.Failed, TicketStatus.Open },
        { TicketStatus.Failed, TicketStatus.Queued },
        { TicketStatus.Failed, TicketStatus.Cancelled },
        { TicketStatus.Done, TicketStatus.Open },
        { TicketStatus.Cancelled, TicketStatus.Open },
    };

    [Theory]
    [MemberData(nameof(Allowed))]
    public void An_allowed_move_is_accepted(TicketStatus from, TicketStatus to)
    {
        var ticket = Ticket(from);

        TicketRules.EnsureTransition(ticket, to);

        Assert.Contains(to, TicketRules.AllowedNext(from));
    }

    [Fact]
    public void The_table_allows_exactly_the_listed_moves()
    {
        var listed = Allowed.Select(row => ((TicketStatus)row[0], (TicketStatus)row[1])).ToHashSet();

        var table = TicketStatuses.All.SelectMany(from => TicketRules.AllowedNext(from).Select(to => (from, to))).ToHashSet();

        Assert.True(listed.SetEquals(table));
    }

    [Theory]
    [MemberData(nameof(Statuses))]
    public void Staying_in_the_same_status_is_a_no_op(TicketStatus status)
    {
        var ticket = Ticket(status);

        var error = Record.Exception(() => TicketRules.EnsureTransition(ticket, status));

        Assert.Null(error);
    }

    public static TheoryData<TicketStatus> Statuses => new(TicketStatuses.All);

    [Fact]
    public void A_done_ticket_can_only_be_reopened_and_the_refusal_says_so()
    {
        var ticket = Ticket(TicketStatus.Done);

        var error = Assert.Throws<BatonException>(() => TicketRules.EnsureTransition(ticket, TicketStatus.InProgress));

        Assert.Equal(BatonException.UsageExitCode, error.ExitCode);
        Assert.Equal("cannot move T-3 from done to in-progress; from done it can go to: open", error.Message);
    }

    [Fact]
    public void A_refusal_lists_every_status_the_ticket_can_go_to()
    {
        var ticket = Ticket(TicketStatus.Review);

        var error = Assert.Throws<BatonException>(() => TicketRules.EnsureTransition(ticket, TicketStatus.Queued));

        Assert.Equal("cannot move T-3 from review to queued; from review it can go to: in-progress, testing, done, failed", error.Message);
    }

    [Theory]
    [InlineData(TicketStatus.Queued, TicketStatus.Done)]
    [InlineData(TicketStatus.Open, TicketStatus.Testing)]
    [InlineData(TicketStatus.Open, TicketStatus.Review)]
    [InlineData(TicketStatus.Failed, TicketStatus.Done)]
    [InlineData(TicketStatus.Cancelled, TicketStatus.Queued)]
    [InlineData(TicketStatus.Testing, TicketStatus.Open)]
    public void A_forbidden_move_is_a_usage_error(TicketStatus from, TicketStatus to)
    {
        var ticket = Ticket(from);

        var error = Assert.Throws<BatonException>(() => TicketRules.EnsureTransition(ticket, to));

        Assert.Equal(BatonException.UsageExitCode, error.ExitCode);
        Assert.StartsWith($"cannot move T-3 from {from.ToText()} to {to.ToText()};", error.Message);
    }
}
