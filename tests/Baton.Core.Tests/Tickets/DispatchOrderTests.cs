using Baton.Core.Tickets;
using Xunit;

namespace Baton.Core.Tests.Tickets;

public sealed class DispatchOrderTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private static Ticket Ticket(long number, Priority priority, int minutesAgo) => new()
    {
        Number = number,
        Title = "t",
        Status = TicketStatus.Open,
        Priority = priority,
        CreatedAt = Now.AddMinutes(-minutesAgo),
        UpdatedAt = Now,
    };

    [Fact]
    public void Priority_comes_first_then_age_then_number()
    {
        var tickets = new[]
        {
            Ticket(1, Priority.Low, 100),
            Ticket(2, Priority.Medium, 5),
            Ticket(3, Priority.Critical, 1),
            Ticket(4, Priority.Medium, 50),
            Ticket(6, Priority.High, 10),
            Ticket(5, Priority.High, 10),
        };

        var order = TicketRules.DispatchOrder(tickets);

        Assert.Equal([3L, 5L, 6L, 4L, 2L, 1L], order.Select(t => t.Number));
    }

    [Fact]
    public void No_tickets_give_an_empty_order()
    {
        Assert.Empty(TicketRules.DispatchOrder([]));
    }
}
