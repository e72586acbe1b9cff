namespace Baton.Core.Tickets;

public enum TicketStatus
{
    Open,
    Queued,
    InProgress,
    Testing,
    Review,
    Done,
    Blocked,
    Failed,
    Cancelled,
}

public static class TicketStatuses
{
    public static readonly IReadOnlyList<TicketStatus> All = Enum.GetValues<TicketStatus>();

    public static string ToText(this TicketStatus status) => status switch
    {
        TicketStatus.Open => "open",
        TicketStatus.Queued => "queued",
        TicketStatus.InProgress => "in-progress",
        TicketStatus.Testing => "testing",
        TicketStatus.Review => "review",
        TicketStatus.Done => "done",
        TicketStatus.Blocked => "blocked",
        TicketStatus.Failed => "failed",
        TicketStatus.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    /// <summary>
    /// Parses a status, ignoring case and accepting <c>_</c> for <c>-</c>; <c>completed</c>, <c>pr-ready</c> and
    /// <c>in progress</c> are aliases of done, review and in-progress.
    /// </summary>
    public static TicketStatus Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim().ToLowerInvariant().Replace('_', '-');
        switch (t)
        {
            case "completed":
                return TicketStatus.Done;
            case "pr-ready":
                return TicketStatus.Review;
            case "in progress" or "inprogress":
                return TicketStatus.InProgress;
        }

        foreach (var status in All)
        {
            if (status.ToText() == t)
            {
                return status;
            }
        }

        throw BatonException.Usage($"unknown status '{text}': use one of {string.Join(", ", All.Select(x => x.ToText()))} (or completed, pr-ready)");
    }

    /// <summary>Reads a status as the store writes it (exact text; no aliases, no case folding).</summary>
    public static TicketStatus FromStored(string text) => text switch
    {
        "open" => TicketStatus.Open,
        "queued" => TicketStatus.Queued,
        "in-progress" => TicketStatus.InProgress,
        "testing" => TicketStatus.Testing,
        "review" => TicketStatus.Review,
        "done" => TicketStatus.Done,
        "blocked" => TicketStatus.Blocked,
        "failed" => TicketStatus.Failed,
        "cancelled" => TicketStatus.Cancelled,
        _ => Parse(text),
    };

    /// <summary>Finished tickets take no more work and release their dependents (done) or block them (failed, cancelled).</summary>
    public static bool IsFinished(this TicketStatus status) =>
        status is TicketStatus.Done or TicketStatus.Failed or TicketStatus.Cancelled;
}
