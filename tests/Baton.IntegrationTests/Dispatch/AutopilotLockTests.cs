using Baton.Core.Config;
using Baton.Infrastructure.Dispatch;
using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Dispatch;

/// <summary>
/// The single-instance lock of `baton up` on a real file: asking who holds it (`baton down`, `merge`,
/// a detached `up` waiting for its child) must never make a starting `up` see a second instance.
/// </summary>
/// <remarks>
/// The tests stand a second opener in this process in for a second process. That holds only while
/// no other test forks: a child forked by another test (git, tmux) shares this process's open file
/// descriptions until it execs, so a lock this test released stays held for those microseconds and
/// the next acquire is refused (seen in the full suite: 68 to 180 of 1000 starts). Between two real
/// processes that cannot happen, so the class runs alone, after the parallel tests.
/// </remarks>
[Collection(AloneCollection.Name)]
public sealed class AutopilotLockTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("baton-lock-").FullName;
    private readonly BatonPaths _paths;

    public AutopilotLockTests() => _paths = BatonPaths.ForRoot(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Probing_while_another_instance_starts_and_stops_never_refuses_it()
    {
        // Given one thread asking who holds the lock as fast as it can
        using (AutopilotLock.TryAcquire(_paths))
        {
            // (the lock file exists, as it does on a repository that ran `up` once)
        }

        using var stop = new CancellationTokenSource();
        var probes = 0L;
        Exception? probeFailed = null;
        var prober = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    AutopilotLock.Holder(_paths);
                }
                catch (IOException e)
                {
                    probeFailed ??= e; // e.g. the pid file vanishing between looking and reading
                }

                Interlocked.Increment(ref probes);
            }
        });
        prober.Start();

        // When another opener takes and releases it a thousand times meanwhile (flock and OFD locks
        // belong to the open file, so a second open in this process competes exactly as a second process)
        var refused = 0;
        try
        {
            while (Interlocked.Read(ref probes) < 1) { Thread.Yield(); }
            for (var i = 0; i < 1000; i++)
            {
                using var held = AutopilotLock.TryAcquire(_paths);
                if (held is null)
                {
                    refused++;
                }
            }
        }
        finally
        {
            stop.Cancel();
            prober.Join();
        }

        // Then no start was refused: the probe never takes the lock it asks about (nor fails on a release)
        Assert.True(refused == 0, $"{refused} of 1000 starts saw a second instance that was only a probe ({Interlocked.Read(ref probes)} probes ran)");
        Assert.Null(probeFailed);
    }

    [Fact]
    public void The_holder_is_reported_while_held_and_nobody_after_release()
    {
        Assert.Null(AutopilotLock.Holder(_paths));

        using (var held = AutopilotLock.TryAcquire(_paths))
        {
            Assert.NotNull(held);
            Assert.Equal(Environment.ProcessId, AutopilotLock.Holder(_paths));
            Assert.Null(AutopilotLock.TryAcquire(_paths)); // a second instance is refused
            Assert.Equal(Environment.ProcessId, AutopilotLock.Holder(_paths)); // and probing did not release it
            // An older baton's probe (an exclusive flock) sees it held too
            Assert.Throws<IOException>(() => new FileStream(AutopilotLock.LockFile(_paths), FileMode.Open, FileAccess.ReadWrite, FileShare.None).Dispose());
        }

        Assert.Null(AutopilotLock.Holder(_paths));
        using var again = AutopilotLock.TryAcquire(_paths);
        Assert.NotNull(again);
    }

    [Fact]
    public void A_lock_held_the_way_an_older_baton_holds_it_is_seen_and_respected()
    {
        // An `up` of the previous version, still running across an upgrade, holds an exclusive flock
        // (what FileShare.None takes on Linux) and no record lock.
        Directory.CreateDirectory(_paths.LocksDir);
        File.WriteAllText(AutopilotLock.PidFile(_paths), "4242\n");
        using var older = new FileStream(AutopilotLock.LockFile(_paths), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);

        Assert.Equal(4242, AutopilotLock.Holder(_paths));
        Assert.Null(AutopilotLock.TryAcquire(_paths));
    }
}
