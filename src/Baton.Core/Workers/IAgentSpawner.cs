namespace Baton.Core.Workers;

/// <summary>Starts an agent for a request (<see cref="WorkerSpawner"/>): its session or process, start-up dialogs, the prompt.</summary>
public interface IAgentSpawner
{
    Task<Worker> SpawnAsync(SpawnRequest request, CancellationToken ct);
}
