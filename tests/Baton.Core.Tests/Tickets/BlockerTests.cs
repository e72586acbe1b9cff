using Baton.Core.Tickets;
using Xunit;

namespace Baton.Core.Tests.Tickets;

public sealed class BlockerTests
{
    private static Ticket Ticket(params long[] deps) => new()
    {
        Number = 3, Title = "t", Status = TicketStatus.InProgress,
        CreatedAt = DateTimeOffset.UnixEpoch, UpdatedAt = DateTimeOffset.UnixEpoch, DependsOn = deps,
    };

    [Fact]
    public void Unfinished_dependencies_come_first_then_a_conflict_then_technical()
    {
        Assert.Equal(Blocker.Dependency, Blocker.Infer(Ticket(1, 2), n => n == 1 ? TicketStatus.Done : TicketStatus.InProgress, branchInConflict: true));
        Assert.Equal(Blocker.Conflict, Blocker.Infer(Ticket(1), _ => TicketStatus.Done, branchInConflict: true));
        Assert.Equal(Blocker.Technical, Blocker.Infer(Ticket(), _ => null, branchInConflict: false));
    }
}
