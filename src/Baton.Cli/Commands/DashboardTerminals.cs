using Baton.Core;
using Baton.Core.Tmux;
using Baton.Infrastructure.Tmux;
using Baton.Web;

namespace Baton.Cli.Commands;

/// <summary>The dashboard's live terminals and phone view: each worker's tmux pane, on the socket the worker lives on.</summary>
internal static partial class DashboardCommand
{
    internal sealed partial class Backend : ITerminalBackend
    {
        private TmuxPaneFeeds? _feeds;

        public IPaneFeeds Feeds => _feeds ??= new TmuxPaneFeeds(_host.Runner, _redactor);

        public PaneTarget Pane(string worker)
        {
            RequireWorker(worker);
            var found = _host.Store.GetWorker(worker)!;
            return found.Session is { } session
                ? new PaneTarget(found.Socket, session)
                : throw new BatonException($"worker '{worker}' runs headless: it has no terminal to show");
        }

        // A client per call: TmuxClient holds nothing, and the host's cache of them is not thread-safe.
        public string PaneText(PaneTarget pane) => new TmuxClient(_host.Runner, pane.Socket).Capture(pane.Session);
    }
}
