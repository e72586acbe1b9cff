namespace Baton.Core.Nodes;

/// <summary>
/// A node's time away from its store: since when, and when to try to reconnect, with a bounded
/// exponential backoff (<see cref="FirstTry"/> after the loss, the wait doubling after each
/// failed try up to <see cref="LongestWait"/>), so a fleet of nodes does not hammer a database
/// that is coming back.
/// </summary>
public sealed class StoreOutage
{
    public static readonly TimeSpan FirstTry = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan LongestWait = TimeSpan.FromSeconds(30);

    private readonly TimeProvider _time;

    public StoreOutage(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
    }

    /// <summary>When the store was found gone; null while it is reachable.</summary>
    public DateTimeOffset? Since { get; private set; }

    public bool Away => Since is not null;

    /// <summary>The wait before the next try.</summary>
    public TimeSpan Wait { get; private set; } = FirstTry;

    public DateTimeOffset NextTry { get; private set; }

    /// <summary>Whether a reconnection is due now.</summary>
    public bool TryDue => Away && _time.GetUtcNow() >= NextTry;

    /// <summary>The store was found gone; false when the node already knew.</summary>
    public bool Lost()
    {
        if (Away)
        {
            return false;
        }

        var now = _time.GetUtcNow();
        Since = now;
        Wait = FirstTry;
        NextTry = now + Wait;
        return true;
    }

    /// <summary>A try failed: the wait doubles, up to <see cref="LongestWait"/>.</summary>
    public void Failed()
    {
        Wait = TimeSpan.FromTicks(Math.Min(Wait.Ticks * 2, LongestWait.Ticks));
        NextTry = _time.GetUtcNow() + Wait;
    }

    /// <summary>The store is back; returns how long the node was away.</summary>
    public TimeSpan Back()
    {
        var away = _time.GetUtcNow() - (Since ?? _time.GetUtcNow());
        Since = null;
        Wait = FirstTry;
        return away;
    }
}
