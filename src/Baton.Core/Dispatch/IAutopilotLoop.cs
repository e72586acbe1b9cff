namespace Baton.Core.Dispatch;

/// <summary>What the run of `baton up` drives: one tick, the wait for the next, the drain on stop (<see cref="Autopilot"/>).</summary>
public interface IAutopilotLoop
{
    Task<TickReport> TickAsync(CancellationToken ct);

    Task WaitAsync(TimeSpan tick, CancellationToken ct);

    Task DrainAsync();
}
