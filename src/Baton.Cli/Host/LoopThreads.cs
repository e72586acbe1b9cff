namespace Baton.Cli.Host;

/// <summary>
/// The autopilot's background work (spawns, clean-ups, merges, the loop's own continuations) runs
/// on the thread pool, and much of it waits on git and tmux processes synchronously. On a 2-core
/// machine the pool starts with 2 threads and adds about one a second once they are all blocked, so
/// a merge or the loop's wake-up queued behind 8 spawns waited seconds (bench/autopilot.sh: a merge
/// with no gate took up to 6 s). Raising the pool's minimum lets it start a thread at once instead;
/// threads are still only made when work is waiting.
/// </summary>
public static class LoopThreads
{
    public static void Reserve(int maxWorkers)
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        var wanted = Math.Min(256, 16 + (2 * maxWorkers));
        if (workers < wanted)
        {
            ThreadPool.SetMinThreads(wanted, io);
        }
    }
}
