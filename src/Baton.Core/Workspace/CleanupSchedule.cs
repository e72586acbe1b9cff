using Baton.Core.Dispatch;

namespace Baton.Core.Workspace;

/// <summary>
/// When `baton up` runs the workspace clean-up: every <c>workspace.cleanup_every</c>, the first time
/// one period after the loop started (a start stays quick; `baton gc` runs it at once), never with 0.
/// </summary>
public sealed class CleanupSchedule
{
    private readonly TimeSpan _every;
    private readonly TimeProvider _time;
    private readonly Func<IReadOnlyList<CleanupItem>> _run;
    private DateTimeOffset? _next;

    public CleanupSchedule(TimeSpan every, TimeProvider time, Func<IReadOnlyList<CleanupItem>> run)
    {
        _every = every;
        _time = time;
        _run = run;
    }

    /// <summary>Runs the clean-up when it is due; what it did goes into the tick's report.</summary>
    public void Step(TickReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (_every <= TimeSpan.Zero)
        {
            return;
        }

        var now = _time.GetUtcNow();
        _next ??= now + _every;
        if (now < _next)
        {
            return;
        }

        _next = now + _every; // a failing clean-up (the tick's guard reports it) waits its period too
        var items = _run();
        if (items.Any(i => i.Removed))
        {
            report.Add("workspace clean-up: " + WorkspaceCleanup.Summary(items));
        }
    }
}
