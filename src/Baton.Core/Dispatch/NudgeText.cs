using System.Globalization;

namespace Baton.Core.Dispatch;

/// <summary>What a nudge types to an agent: the supervisor's and an on-demand one (`baton nudge`) say the same.</summary>
public static class NudgeText
{
    /// <param name="ticket">The worker's ticket id, or null for a worker without one.</param>
    /// <param name="idle">The agent sits idle (asked for its status) rather than busy without progress (nudged).</param>
    public static string For(string? ticket, bool idle, TimeSpan stallAfter)
    {
        if (ticket is null)
        {
            return idle
                ? "You are idle. If your work is done, say so; if you are stuck, say why. Otherwise carry on."
                : "No progress seen for a while. If you are stuck, say why; otherwise carry on.";
        }

        return idle
            ? $"You are idle, but {ticket} is not reported finished. If it is done: commit, then run `baton ticket done {ticket} --summary \"...\"`. If you are stuck: `baton ticket update {ticket} --status blocked --note \"why\"`. Otherwise carry on."
            : string.Create(CultureInfo.InvariantCulture, $"No progress seen on {ticket} for {stallAfter.TotalMinutes:0.#} min. If you are stuck, say why with `baton ticket update {ticket} --note \"...\"`; otherwise carry on and report when done.");
    }
}
