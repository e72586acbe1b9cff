namespace Baton.Core.Agents;

/// <summary>What version an agent's binary says it is (its <c>--version</c>), cached per binary.</summary>
public interface IAgentVersions
{
    /// <summary>The version of the program at <paramref name="path"/>, or null when it cannot say (never throws).</summary>
    string? Get(string path, IReadOnlyList<string> prefixArguments, IReadOnlyList<string> versionArgument);
}
