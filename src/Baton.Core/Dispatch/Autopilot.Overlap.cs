using Baton.Core.Events;

namespace Baton.Core.Dispatch;

/// <summary>The loop's hold_on_overlap step (the loop itself: Autopilot.cs).</summary>
public sealed partial class Autopilot
{
    /// <summary>
    /// hold_on_overlap: a ticket that declares paths waits while a live branch (of another ticket)
    /// changes a file they match, so two agents do not write the same files at once; it goes
    /// once that branch merged. Recorded once per hold as a task_held event.
    /// </summary>
    private List<DispatchCandidate> HoldOverlapping(IReadOnlyList<DispatchCandidate> candidates, TickReport report, DateTimeOffset now)
    {
        var go = new List<DispatchCandidate>();
        var scan = candidates.Any(c => c.Ticket.Paths.Count > 0) ? _conflicts.Current() : null;
        foreach (var c in candidates)
        {
            if (scan is not null && c.Ticket.Paths.Count > 0 && ConflictWatch.Overlap(scan, c.Ticket.Paths) is { } overlap && overlap.Branch.Ticket != c.Ticket.Id)
            {
                var why = $"held: {overlap.Branch.Ticket ?? overlap.Branch.Name} changes {overlap.File}, which its paths cover (hold_on_overlap)";
                report.Waiting.Add((c.Ticket.Id, why));
                if (_held.Add(c.Ticket.Number))
                {
                    _ctx.Store.AppendEvent(Dispatcher.Event(c.Ticket, EventTypes.TaskHeld, $"{c.Ticket.Id} {why}", now,
                        metadata: new Dictionary<string, string> { ["branch"] = overlap.Branch.Name, ["file"] = overlap.File }));
                }

                continue;
            }

            _held.Remove(c.Ticket.Number);
            go.Add(c);
        }

        return go;
    }
}
