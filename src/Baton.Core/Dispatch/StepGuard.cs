using Baton.Core.Events;

namespace Baton.Core.Dispatch;

/// <summary>Runs the autopilot's steps so that one failing step is recorded and the tick goes on.</summary>
public sealed class StepGuard
{
    private readonly AutopilotContext _ctx;
    private readonly Dictionary<string, DateTimeOffset> _errors = new(StringComparer.Ordinal);

    public StepGuard(AutopilotContext context)
    {
        _ctx = context;
    }

    /// <summary>
    /// One step of the tick; a failure (git or tmux refusing, a file gone) is reported and
    /// recorded as an autopilot_error event, and the loop carries on: one bad ticket must not stop
    /// the others. The same error is recorded once a minute at most.
    /// </summary>
    public async Task<bool> RunAsync(TickReport report, string what, Func<Task> step)
    {
        try
        {
            await step().ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException && !(_ctx.Node is not null && Nodes.NodeDuty.Busy(e) is not null))
        {
            // (A node's store busy is not one step's failure: it ends the tick, and the node waits
            // for the store as it waits for a lost one; recording it here would only wait again.)
            var message = $"error while {what}: {_ctx.Workers.Redactor.Redact(e.GetBaseException().Message)}";
            report.Add("error", null, null, message, new Dictionary<string, string> { ["while"] = what });
            var now = _ctx.Time.GetUtcNow();
            if (!_errors.TryGetValue(message, out var last) || now - last > TimeSpan.FromMinutes(1))
            {
                if (_errors.Count > 1000)
                {
                    _errors.Clear(); // only a rate limit: forgetting old errors is harmless
                }

                _errors[message] = now;
                _ctx.Store.AppendEvent(new EventRecord
                {
                    Time = now,
                    Type = EventTypes.AutopilotError,
                    Message = message,
                    Metadata = new Dictionary<string, string> { ["exception"] = e.GetType().Name },
                });
            }

            return false;
        }
    }
}
