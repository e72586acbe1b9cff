namespace Baton.Core.Processes;

/// <summary>
/// The running processes Baton left behind, found by a variable it put in their environment
/// (children inherit it, so a gate's whole tree carries it): a killed loop's gates are found and
/// stopped by the next loop, never by a name or a pid that may have been reused.
/// </summary>
public interface IProcessTable
{
    /// <summary>The live processes (not zombies, not this one) whose environment has <paramref name="name"/>=<paramref name="value"/>.</summary>
    IReadOnlyList<int> WithVariable(string name, string value);

    /// <summary>The live processes (not zombies, not this one) whose environment has every one of <paramref name="variables"/>.</summary>
    IReadOnlyList<int> WithVariables(IReadOnlyDictionary<string, string> variables);

    /// <summary>SIGTERM to each, then SIGKILL to what is left after <paramref name="grace"/>; returns once they are gone (bounded).</summary>
    void Stop(IReadOnlyList<int> pids, TimeSpan grace);
}
