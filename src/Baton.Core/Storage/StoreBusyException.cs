using System.Globalization;

namespace Baton.Core.Storage;

/// <summary>
/// Another process held the store's write lock for longer than Baton waits (<c>store.busy_timeout</c>):
/// the command fails and says so instead of hanging; trying again later is safe, nothing was written.
/// </summary>
public sealed class StoreBusyException : BatonException
{
    public StoreBusyException(string database, TimeSpan waited, Exception inner)
        : base($"the store is busy: another process held its write lock ({database}) for more than {Describe(waited)}; try again", inner)
    {
        Database = database;
        Waited = waited;
    }

    public string Database { get; }

    /// <summary>How long this process waited for the lock before giving up.</summary>
    public TimeSpan Waited { get; }

    private static string Describe(TimeSpan t) =>
        t.TotalSeconds >= 1 && t.Milliseconds == 0
            ? t.TotalSeconds.ToString(CultureInfo.InvariantCulture) + " s"
            : t.TotalMilliseconds.ToString(CultureInfo.InvariantCulture) + " ms";
}
