namespace Baton.Core.Workers;

/// <summary>Asks a headless agent one question and waits for it to answer and exit.</summary>
public interface IAgentQuestions
{
    /// <param name="progress">Told what the wait is at (who works on it, for how long), for a person watching.</param>
    Task<AgentAnswer> AskAsync(AgentQuestion question, IProgress<string>? progress, CancellationToken ct);
}
