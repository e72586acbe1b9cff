using Baton.Core.Workers;

namespace Baton.Core.Usage;

/// <summary>Per-worker token usage, cost, context fill and agent version.</summary>
public interface IUsageStore
{
    /// <summary>Starts a fresh usage row for a just-spawned worker, with its agent's version (null: unknown).</summary>
    void Begin(Worker worker, string? agentVersion);

    /// <summary>Adds to the worker's latest row and appends the events, in one transaction.</summary>
    void Record(Worker worker, UsageUpdate update);

    /// <summary>Every usage row, oldest first.</summary>
    IReadOnlyList<UsageRow> List();
}
