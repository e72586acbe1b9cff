using Baton.Core.Dispatch;
using Baton.Core.Nodes;
using Npgsql;

namespace Baton.Infrastructure.Storage.Postgres;

/// <summary>
/// Wakes the loop when any process, on any machine, commits a write to the shared store: every
/// write transaction sends <c>NOTIFY baton_changes</c> (delivered at its commit), and this wake
/// LISTENs on a connection of its own. Hook calls are still seen through the spool files
/// (<paramref name="files"/>), which are local. Only a hint, as <see cref="IAutopilotWake"/> says:
/// while its connection is gone the loop polls the change counter; the listener opens a new one
/// 1 s after the loss, then after 2, 4 ... 30 s, and every 30 s from then on, until it listens
/// again (and wakes the loop once then, for the notifications it missed meanwhile).
/// </summary>
public sealed class PostgresWake : IAutopilotWake
{
    public const string Channel = "baton_changes";

    private readonly Lock _gate = new();
    private readonly Func<NpgsqlConnection> _open;
    private readonly IAutopilotWake? _files;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private NpgsqlConnection? _listener; // owned by the listening task; swapped under _gate so Dispose finds the current one
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _notified;

    private PostgresWake(Func<NpgsqlConnection> open, NpgsqlConnection listener, IAutopilotWake? files, TimeProvider time)
    {
        _open = open;
        _files = files;
        _time = time;
        _listener = listener;
        _listener.Notification += (_, _) => Signal();
        _loop = Task.Run(ListenAsync);
    }

    private int _reopened;

    /// <summary>How many times the listener opened its connection again after losing it.</summary>
    public int Reopened => Volatile.Read(ref _reopened);

    /// <summary>Whether the listener has its connection now (false while it waits to open it again).</summary>
    public bool Listening
    {
        get
        {
            lock (_gate)
            {
                return _listener is not null;
            }
        }
    }

    /// <summary>Listens on a new connection of <paramref name="store"/>'s; null when it cannot (the loop then polls).</summary>
    public static PostgresWake? TryStart(PostgresStore store, IAutopilotWake? files, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        try
        {
            return new PostgresWake(() => Listen(store), Listen(store), files, time ?? TimeProvider.System);
        }
        catch (NpgsqlException)
        {
            return null;
        }
    }

    private static NpgsqlConnection Listen(PostgresStore store)
    {
        var c = store.OpenConnection();
        try
        {
            using var listen = c.CreateCommand();
            listen.CommandText = "LISTEN " + Channel;
            listen.ExecuteNonQuery();
            return c;
        }
        catch
        {
            c.Dispose();
            throw;
        }
    }

    public WakeMark Mark
    {
        get
        {
            var files = _files?.Mark ?? default;
            lock (_gate)
            {
                return new WakeMark(_notified + files.Store, files.Hooks);
            }
        }
    }

    public Task NextAsync(WakeMark since, CancellationToken ct)
    {
        Task mine;
        var files = _files?.Mark ?? default;
        lock (_gate)
        {
            if (new WakeMark(_notified + files.Store, files.Hooks) != since)
            {
                return Task.CompletedTask;
            }

            mine = _next.Task;
        }

        return _files is null ? mine.WaitAsync(ct) : Task.WhenAny(mine, _files.NextAsync(files, ct)).Unwrap().WaitAsync(ct);
    }

    private async Task ListenAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                NpgsqlConnection listener;
                lock (_gate)
                {
                    listener = _listener!;
                }

                try
                {
                    await listener.WaitAsync(_stop.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is NpgsqlException or IOException or InvalidOperationException)
                {
                    // The connection went (the network, the server): the loop polls meanwhile.
                    Drop(listener);
                    await ReopenAsync().ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private void Drop(NpgsqlConnection listener)
    {
        lock (_gate)
        {
            _listener = null;
        }

        listener.Dispose();
    }

    /// <summary>Opens a listening connection again with the backoff of a node's reconnection; returns once listening (or stopped).</summary>
    private async Task ReopenAsync()
    {
        var wait = StoreOutage.FirstTry;
        while (true)
        {
            await Task.Delay(wait, _time, _stop.Token).ConfigureAwait(false);
            NpgsqlConnection c;
            try
            {
                c = _open();
            }
            catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException)
            {
                wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, StoreOutage.LongestWait.Ticks));
                continue;
            }

            c.Notification += (_, _) => Signal();
            lock (_gate)
            {
                if (_stop.IsCancellationRequested)
                {
                    c.Dispose();
                    return;
                }

                _listener = c;
            }

            Signal(); // what was committed while it was not listening was never notified to it
            Interlocked.Increment(ref _reopened);
            return;
        }
    }

    private void Signal()
    {
        TaskCompletionSource woken;
        lock (_gate)
        {
            _notified++;
            woken = _next;
            _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        woken.TrySetResult();
    }

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }

        lock (_gate)
        {
            _listener?.Dispose();
            _listener = null;
        }

        _stop.Dispose();
        _files?.Dispose();
    }
}
