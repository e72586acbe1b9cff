namespace Baton.Core.Workers;

/// <summary>Finds programs: Baton's own executable and commands on PATH.</summary>
public interface IExecutables
{
    /// <summary>How to run Baton itself (one element for the native binary; <c>dotnet baton.dll</c> otherwise).</summary>
    IReadOnlyList<string> Self { get; }

    /// <summary>
    /// How agent hooks call Baton: the small `baton-hook` binary installed beside `baton` when it
    /// is there (it starts in half the time), else `baton hook`. The event name follows.
    /// </summary>
    IReadOnlyList<string> Hook { get; }

    /// <summary>The full path of <paramref name="command"/> if it can be run, else null.</summary>
    string? Resolve(string command);
}
