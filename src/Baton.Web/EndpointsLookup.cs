using Baton.Core;
using Microsoft.AspNetCore.Http;

namespace Baton.Web;

/// <summary>A backend call for handlers that write their own answer (a WebSocket, plain text).</summary>
internal sealed partial class Endpoints
{
    /// <summary>
    /// Runs <paramref name="call"/> under the gate, with <see cref="Run(HttpContext, Func{CancellationToken, Task{string}})"/>'s
    /// error answers: its value, or null once the error is written (or the request went away).
    /// </summary>
    public async Task<T?> TryRun<T>(HttpContext context, Func<T> call)
        where T : class
    {
        var ct = context.RequestAborted;
        try
        {
            await _gate.WaitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return null;
        }

        try
        {
            return call();
        }
        catch (DashboardNotFoundException e)
        {
            await Error(context, StatusCodes.Status404NotFound, _backend.Redact(e.Message)).ConfigureAwait(false);
        }
        catch (BatonException e)
        {
            await Error(context, e.ExitCode == BatonException.UsageExitCode ? StatusCodes.Status400BadRequest : StatusCodes.Status409Conflict, _backend.Redact(e.Message)).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }

        return null;
    }
}
