using Baton.Core.Tickets;
using Xunit;

namespace Baton.Core.Tests.Tickets;

public sealed class TicketReadinessTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private static Ticket Ticket(TicketStatus status, params long[] dependsOn) => new()
    {
        Number = 10,
        Title = "t",
        Status = status,
        DependsOn = dependsOn,
        CreatedAt = Now,
        UpdatedAt = Now,
    };

    [Theory]
    [InlineData(TicketStatus.Open)]
    [InlineData(TicketStatus.Queued)]
    public void A_waiting_ticket_without_dependencies_is_ready(TicketStatus status)
    {
        Assert.True(TicketRules.IsReady(Ticket(status), new Dictionary<long, TicketStatus>()));
    }

    [Fact]
    public void A_ticket_whose_dependencies_are_all_done_is_ready()
    {
        var statusOf = new Dictionary<long, TicketStatus> { [1] = TicketStatus.Done, [2] = TicketStatus.Done };

        Assert.True(TicketRules.IsReady(Ticket(TicketStatus.Open, 1, 2), statusOf));
    }

    [Theory]
    [InlineData(TicketStatus.Open)]
    [InlineData(TicketStatus.InProgress)]
    [InlineData(TicketStatus.Review)]
    [InlineData(TicketStatus.Failed)]
    [InlineData(TicketStatus.Cancelled)]
    public void One_undone_dependency_keeps_the_ticket_waiting(TicketStatus dependency)
    {
        var statusOf = new Dictionary<long, TicketStatus> { [1] = TicketStatus.Done, [2] = dependency };

        Assert.False(TicketRules.IsReady(Ticket(TicketStatus.Queued, 1, 2), statusOf));
    }

    [Fact]
    public void An_unknown_dependency_means_not_ready()
    {
        var statusOf = new Dictionary<long, TicketStatus> { [1] = TicketStatus.Done };

        Assert.False(TicketRules.IsReady(Ticket(TicketStatus.Open, 1, 99), statusOf));
    }

    [Theory]
    [InlineData(TicketStatus.InProgress)]
    [InlineData(TicketStatus.Testing)]
    [InlineData(TicketStatus.Review)]
    [InlineData(TicketStatus.Done)]
    [InlineData(TicketStatus.Blocked)]
    [InlineData(TicketStatus.Failed)]
    [InlineData(TicketStatus.Cancelled)]
    public void Only_open_or_queued_tickets_are_ever_ready(TicketStatus status)
    {
        var statusOf = new Dictionary<long, TicketStatus> { [1] = TicketStatus.Done };

        Assert.False(TicketRules.IsReady(Ticket(status, 1), statusOf));
    }

    [Fact]
    public void Blocked_by_names_failed_and_cancelled_dependencies_in_ascending_order()
    {
        var statusOf = new Dictionary<long, TicketStatus>
        {
            [1] = TicketStatus.Done,
            [2] = TicketStatus.Cancelled,
            [5] = TicketStatus.InProgress,
            [7] = TicketStatus.Failed,
        };

        var blockers = TicketRules.BlockedBy(Ticket(TicketStatus.Open, 7, 5, 99, 2, 1), statusOf);

        Assert.Equal([2L, 7L], blockers);
    }

    [Fact]
    public void Nothing_blocks_a_ticket_whose_dependencies_can_still_finish()
    {
        var statusOf = new Dictionary<long, TicketStatus> { [1] = TicketStatus.Done, [2] = TicketStatus.Queued };

        Assert.Empty(TicketRules.BlockedBy(Ticket(TicketStatus.Open, 1, 2, 3), statusOf));
    }
}
