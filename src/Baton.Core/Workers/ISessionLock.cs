namespace Baton.Core.Workers;

/// <summary>
/// Serialises typing into one session across processes: two `baton send` at once would otherwise
/// interleave their keys in the agent's input line.
/// </summary>
public interface ISessionLock
{
    IDisposable Acquire(string session, TimeSpan timeout);
}
