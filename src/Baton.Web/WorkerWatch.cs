namespace Baton.Web;

/// <summary>
/// Keeps the workers' states current while pages watch and no autopilot does: without it a page
/// served by `baton dashboard` alone showed a worker "waiting" long after it moved on, because
/// nothing looked at the panes (the loop's monitor does under `baton up`). One look per interval
/// for the whole server, whatever the number of pages, and none while no page is open.
/// </summary>
internal sealed class WorkerWatch : IDisposable
{
    private readonly IDashboardBackend _backend;
    private readonly Endpoints _endpoints;
    private readonly EventStream _streams;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public WorkerWatch(IDashboardBackend backend, Endpoints endpoints, EventStream streams, TimeProvider time, TimeSpan interval)
    {
        _backend = backend;
        _endpoints = endpoints;
        _streams = streams;
        _time = time;
        _interval = interval;
    }

    public void Start() => _loop ??= Task.Run(() => RunAsync(_stop.Token));

    private async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_interval, _time, ct).ConfigureAwait(false);
                if (_streams.Open > 0)
                {
                    await _endpoints.ExclusiveAsync(_backend.ObserveWorkers, ct).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A failed look (tmux gone for a moment) must not end the watch: the next one tries again.
                await Console.Error.WriteLineAsync($"baton dashboard: could not observe the workers: {_backend.Redact(e.Message)}").ConfigureAwait(false);
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _loop?.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }

        _stop.Dispose();
    }
}
