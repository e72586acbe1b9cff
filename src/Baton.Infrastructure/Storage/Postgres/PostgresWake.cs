using Baton.Core.Dispatch;
using Npgsql;

namespace Baton.Infrastructure.Storage.Postgres;

/// <summary>
/// Wakes the loop when any process, on any machine, commits a write to the shared store: every
/// write transaction sends <c>NOTIFY baton_changes</c> (delivered at its commit), and this wake
/// LISTENs on a connection of its own. Hook calls are still seen through the spool files
/// (<paramref name="files"/>), which are local. Only a hint, as <see cref="IAutopilotWake"/> says:
/// a lost connection stops the wake-ups and the loop goes back to polling the change counter.
/// </summary>
public sealed class PostgresWake : IAutopilotWake
{
    public const string Channel = "baton_changes";

    private readonly Lock _gate = new();
    private readonly NpgsqlConnection _listener;
    private readonly IAutopilotWake? _files;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _notified;

    private PostgresWake(NpgsqlConnection listener, IAutopilotWake? files)
    {
        _listener = listener;
        _files = files;
        _listener.Notification += (_, _) => Signal();
        _loop = Task.Run(ListenAsync);
    }

    /// <summary>Listens on a new connection of <paramref name="store"/>'s; null when it cannot (the loop then polls).</summary>
    public static PostgresWake? TryStart(PostgresStore store, IAutopilotWake? files)
    {
        ArgumentNullException.ThrowIfNull(store);
        NpgsqlConnection? c = null;
        try
        {
            c = store.OpenConnection();
            using (var listen = c.CreateCommand())
            {
                listen.CommandText = "LISTEN " + Channel;
                listen.ExecuteNonQuery();
            }

            return new PostgresWake(c, files);
        }
        catch (NpgsqlException)
        {
            c?.Dispose();
            return null;
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
                await _listener.WaitAsync(_stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (NpgsqlException)
        {
            // The connection went: no more wake-ups; the loop's poll of the change counter goes on.
        }
        catch (ObjectDisposedException)
        {
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

        _listener.Dispose();
        _stop.Dispose();
        _files?.Dispose();
    }
}
