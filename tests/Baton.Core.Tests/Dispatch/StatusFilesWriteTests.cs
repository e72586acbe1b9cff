using Baton.Core.Config;
using Baton.Core.Dispatch;
using Baton.Core.Tests.Fakes;
using Baton.Core.Tickets;
using Baton.Core.Workers;
using Xunit;

namespace Baton.Core.Tests.Dispatch;

/// <summary>When the status pages are written, on the in-memory file system.</summary>
public sealed class StatusFilesWriteTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private static readonly BatonPaths Paths = BatonPaths.ForRoot("/repo");
    private readonly InMemoryFiles _files = new();

    private static Ticket Ticket(long number, TicketStatus status, string? feature = "auth") =>
        new() { Number = number, Title = "T" + number, Status = status, Feature = feature, CreatedAt = T0, UpdatedAt = T0 };

    private static Worker Worker(WorkerState state) =>
        new() { Name = "w1", Agent = "scripted", Mode = WorkerMode.Tmux, Directory = "/repo", State = state, StateSince = T0, CreatedAt = T0 };

    [Fact]
    public void The_pages_are_written_once_and_an_unchanged_fleet_leaves_them_alone()
    {
        var status = new StatusFiles(Paths, _files);
        var tickets = new[] { Ticket(1, TicketStatus.InProgress), Ticket(2, TicketStatus.Open, feature: null) };

        status.Write([Worker(WorkerState.Busy)], tickets, T0);
        status.Write([Worker(WorkerState.Busy)], tickets, T0.AddMinutes(1));

        Assert.Equal(["/repo/.baton/ORCHESTRATION_STATUS.md", "/repo/.baton/features/auth/tasks.md"], _files.Writes);
        Assert.Equal(StatusFiles.Orchestration([Worker(WorkerState.Busy)], tickets), _files.ReadText(status.StatusFile));
        Assert.Equal(StatusFiles.Tasks("auth", [tickets[0]]), _files.ReadText(status.TasksFile("auth")));
    }

    [Fact]
    public void Only_the_page_whose_content_changed_is_rewritten()
    {
        var status = new StatusFiles(Paths, _files);
        status.Write([Worker(WorkerState.Busy)], [Ticket(1, TicketStatus.InProgress)], T0);

        status.Write([Worker(WorkerState.Idle)], [Ticket(1, TicketStatus.InProgress)], T0);

        Assert.Equal(2, _files.Writes.Count(w => w.EndsWith("ORCHESTRATION_STATUS.md", StringComparison.Ordinal)));
        Assert.Single(_files.Writes, w => w.EndsWith("tasks.md", StringComparison.Ordinal));
    }

    [Fact]
    public void A_new_process_finding_the_same_page_on_disk_does_not_rewrite_it()
    {
        var tickets = new[] { Ticket(1, TicketStatus.Done) };
        new StatusFiles(Paths, _files).Write([], tickets, T0);

        new StatusFiles(Paths, _files).Write([], tickets, T0);

        Assert.Equal(2, _files.Writes.Count);
    }

    [Fact]
    public void A_page_changed_on_disk_by_someone_else_is_put_right_by_a_new_process()
    {
        var tickets = new[] { Ticket(1, TicketStatus.Done) };
        new StatusFiles(Paths, _files).Write([], tickets, T0);
        _files.WriteText("/repo/.baton/ORCHESTRATION_STATUS.md", "edited by hand");

        new StatusFiles(Paths, _files).Write([], tickets, T0);

        Assert.Equal(StatusFiles.Orchestration([], tickets), _files.ReadText("/repo/.baton/ORCHESTRATION_STATUS.md"));
    }

    [Fact]
    public void The_overseers_page_is_written_for_a_feature_on_implementor_branches_and_again_as_its_tickets_move()
    {
        var status = new StatusFiles(Paths, _files);
        var onBranch = Ticket(1, TicketStatus.InProgress) with { Branch = "feature/auth/impl-data", Worktree = "/w/T-1", Assignee = "t1-1" };

        status.Write([], [onBranch], T0);
        status.Write([], [onBranch], T0);
        status.Write([], [onBranch with { Status = TicketStatus.Done }], T0);

        Assert.Equal(2, _files.Writes.Count(w => w == status.OverseerFile("auth")));
        Assert.Equal("/repo/.baton/features/auth/overseer.md", status.OverseerFile("auth"));
        Assert.Contains("| data | feature/auth/impl-data | - | - | 1 | - |", _files.ReadText(status.OverseerFile("auth")), StringComparison.Ordinal);
    }
}
