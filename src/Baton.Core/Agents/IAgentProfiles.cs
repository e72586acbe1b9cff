namespace Baton.Core.Agents;

/// <summary>Agent profiles by name: built-in ones, overridden or extended by project files.</summary>
public interface IAgentProfiles
{
    /// <summary>The profile, or a BatonException that lists the known ones.</summary>
    AgentProfile Get(string name);

    IReadOnlyList<string> Names();
}
