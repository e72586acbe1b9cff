using Baton.Core.Tickets;

namespace Baton.Core.Dispatch;

/// <summary>
/// Starts a fresh agent for a ticket the lifecycle requeued (a restart, or a gate failure with
/// nobody to tell). The autopilot implements it: it owns the spawn rate limit and the background
/// spawns, and hands itself to the <see cref="TicketLifecycle"/> it builds.
/// </summary>
public interface IRespawner
{
    Task RespawnAsync(Ticket ticket, string? prefix, CancellationToken ct);
}
