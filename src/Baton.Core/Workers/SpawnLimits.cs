using Baton.Core.Config;
using Baton.Core.Dispatch;

namespace Baton.Core.Workers;

/// <summary>
/// The limits a manual `baton spawn` obeys, the same the autopilot's dispatch does:
/// <c>autopilot.max_workers</c> live workers, the spawn rate (<c>spawns_per_minute</c>, at most
/// <c>spawn_burst</c> at once) and each profile's <c>max_instances</c>. Pure: the live workers and
/// the times of recent spawns (every spawn, the loop's and the manual ones) come in, so a prophet
/// calling `baton spawn` in a loop is held by the same budget as the loop itself.
/// </summary>
public static class SpawnLimits
{
    /// <summary>How far back spawns matter: long enough for an empty bucket to fill up again.</summary>
    public static TimeSpan Window(AutopilotConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return TimeSpan.FromMinutes((double)config.SpawnBurst / config.SpawnsPerMinute);
    }

    /// <summary>Null when a spawn of <paramref name="agent"/> may start now, else why not (what to do included).</summary>
    /// <param name="agentMax">Each profile's max_instances (config's agents.max_instances and the profile's own, the smaller).</param>
    /// <param name="spawns">When recent spawns happened (any order; older than <see cref="Window"/> are ignored).</param>
    public static string? Check(AutopilotConfig config, IReadOnlyDictionary<string, int> agentMax, IReadOnlyList<Worker> live, IReadOnlyList<DateTimeOffset> spawns, string agent, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(agentMax);
        ArgumentNullException.ThrowIfNull(live);
        ArgumentNullException.ThrowIfNull(spawns);
        var running = live.Where(w => w.State.IsLive()).ToList();
        if (running.Count >= config.MaxWorkers)
        {
            return $"all {config.MaxWorkers} worker slots are taken ({running.Count} live; autopilot.max_workers): `baton kill NAME` one, raise max_workers in .baton/config.yaml, or pass --force";
        }

        if (agentMax.TryGetValue(agent, out var max) && running.Count(w => w.Agent == agent) >= max)
        {
            return $"agent {agent} is at its max_instances of {max}: `baton kill NAME` one of them, spawn another --agent, or pass --force";
        }

        // The bucket as the store's history fills it: full at the start of the window (an empty
        // one refills within it), one token taken per spawn since.
        var start = now - Window(config);
        var bucket = new TokenBucket(config.SpawnBurst, config.SpawnsPerMinute, start);
        foreach (var at in spawns.Where(s => s > start && s <= now).Order())
        {
            bucket.Spend(1, at);
        }

        if (bucket.Available(now) < 1)
        {
            var wait = TimeSpan.FromMinutes(1.0 / config.SpawnsPerMinute);
            return $"spawn rate limit: {config.SpawnBurst} at once, {config.SpawnsPerMinute} a minute (autopilot.spawn_burst, spawns_per_minute): try again in about {Math.Ceiling(wait.TotalSeconds):0} s, or pass --force";
        }

        return null;
    }
}
