using Microsoft.Extensions.Hosting;

namespace Baton.Web;

/// <summary>
/// The host's lifetime when `baton` owns the process: the command handles Ctrl-C and SIGTERM
/// itself (and stops the server), so the host registers no signal handlers of its own.
/// </summary>
internal sealed class CommandLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
