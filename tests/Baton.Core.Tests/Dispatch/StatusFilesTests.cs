using Baton.Core.Dispatch;
using Baton.Core.Tickets;
using Baton.Core.Workers;
using Xunit;

namespace Baton.Core.Tests.Dispatch;

public sealed class StatusFilesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_status_page_lists_live_workers_with_their_tickets_and_the_tickets_in_flight()
    {
        var ticket = new Ticket { Number = 3, Title = "Fix | pipes", Status = TicketStatus.InProgress, Assignee = "t3-1", Branch = "baton/T-3-x", Attempts = 2, CreatedAt = T0, UpdatedAt = T0 };
        var worker = new Worker { Name = "t3-1", Agent = "scripted", Role = "worker", Mode = WorkerMode.Tmux, Directory = "/x", State = WorkerState.Busy, StateSince = T0, CreatedAt = T0, Ticket = 3, Evidence = "screen: busy" };
        var gone = worker with { Name = "old", State = WorkerState.Killed };

        var page = StatusFiles.Orchestration([worker, gone], [ticket]);

        Assert.Contains("| t3-1 | scripted | worker | busy | 2026-11-22 12:00:00Z | T-3 Fix / pipes | screen: busy |", page, StringComparison.Ordinal);
        Assert.Contains("| T-3 Fix / pipes | in-progress | t3-1 | baton/T-3-x | 2 |", page, StringComparison.Ordinal);
        Assert.DoesNotContain("old", page, StringComparison.Ordinal);
    }

    [Fact]
    public void Tasks_are_a_checklist_with_status_and_dependencies()
    {
        var done = new Ticket { Number = 1, Title = "A", Status = TicketStatus.Done, CreatedAt = T0, UpdatedAt = T0 };
        var open = new Ticket { Number = 2, Title = "B", Status = TicketStatus.Open, DependsOn = [1], CreatedAt = T0, UpdatedAt = T0 };

        var tasks = StatusFiles.Tasks("f", [open, done]);

        Assert.Equal("# Tasks: f\n\n- [x] T-1 A\n- [ ] T-2 B (open) — after T-1\n", tasks);
    }
}
