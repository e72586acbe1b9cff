namespace Baton.Core.Dispatch;

/// <summary>
/// Tells the autopilot that something outside the loop may have changed, so it looks at once
/// instead of at its next tick or store poll: a write to the store's files (which may be the
/// loop's own: the loop checks the store's change counter before it ticks) or an agent's hook
/// call spooled. Only a hint: a missed change is still found by the poll and the tick.
/// The loop that is given one disposes of it when it stops.
/// </summary>
public interface IAutopilotWake : IDisposable
{
    /// <summary>What has been seen so far; each count only grows.</summary>
    WakeMark Mark { get; }

    /// <summary>Completes once <see cref="Mark"/> differs from <paramref name="since"/> (at once if it already does).</summary>
    Task NextAsync(WakeMark since, CancellationToken ct);
}
