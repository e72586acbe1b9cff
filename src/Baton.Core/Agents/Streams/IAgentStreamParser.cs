namespace Baton.Core.Agents.Streams;

/// <summary>
/// Reads a headless agent's stdout one line at a time. Stateful (one instance per run): some
/// figures are cumulative in the stream and become deltas here. Lines that are not JSON, or JSON it
/// does not know, yield nothing; it never throws on input.
/// </summary>
public interface IAgentStreamParser
{
    IReadOnlyList<AgentStreamEvent> Parse(string line);
}
