using Baton.Cli.Host;
using Baton.Web;

namespace Baton.Cli.Commands;

/// <summary>
/// The dashboard served from a command's process (`baton dashboard`, `baton up --dashboard`): its
/// own composition root and store connections, because the page's calls run on the server's
/// threads while the autopilot uses the command's host on its own (neither is thread-safe).
/// </summary>
internal sealed class DashboardHosting : IAsyncDisposable
{
    private readonly CliHost _host;
    private readonly IDisposable _feed;

    private DashboardHosting(CliHost host, IDisposable feed, DashboardServer server)
    {
        _host = host;
        _feed = feed;
        Server = server;
    }

    public DashboardServer Server { get; }

    /// <summary>Starts the server for <paramref name="owner"/>'s repository; a busy port or bad TLS files fail here, before anything else starts.</summary>
    public static async Task<DashboardHosting> StartAsync(CliHost owner, DashboardOptions options, CancellationToken stop)
    {
        options.Validate();
        var host = new CliHost(owner.Output, owner.Environment, owner.Paths);
        var feed = host.OpenConnection();
        try
        {
            var token = DashboardToken.LoadOrCreate(host.Files, host.Paths.BatonDir);
            var server = await DashboardServer.StartAsync(options, token, new DashboardCommand.Backend(host), feed, host.Time, stop).ConfigureAwait(false);
            return new DashboardHosting(host, feed, server);
        }
        catch
        {
            feed.Dispose();
            host.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync().ConfigureAwait(false);
        _feed.Dispose();
        _host.Dispose();
    }
}
