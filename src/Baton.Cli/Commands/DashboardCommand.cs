using System.CommandLine;
using System.Net;
using System.Text.Json;
using Baton.Cli.Host;
using Baton.Cli.Rendering;
using Baton.Core;
using Baton.Core.Events;
using Baton.Core.Processes;
using Baton.Core.Security;
using Baton.Core.Tickets;
using Baton.Core.Workers;
using Baton.Web;

namespace Baton.Cli.Commands;

/// <summary>`baton dashboard`: the live page, served by this process until Ctrl-C or SIGTERM.</summary>
internal static partial class DashboardCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "The port (0 takes a free one)", DefaultValueFactory = _ => DashboardOptions.DefaultPort };
        var bind = new Option<string>("--bind") { Description = "The address to listen on; anything but loopback needs --cert/--key or --insecure", DefaultValueFactory = _ => "127.0.0.1" };
        var open = new Option<bool>("--open") { Description = "Open the page in the browser (xdg-open)" };
        var cert = new Option<string?>("--cert") { Description = "A PEM certificate: serve over TLS (with --key)" };
        var key = new Option<string?>("--key") { Description = "The PEM private key of --cert" };
        var insecure = new Option<bool>("--insecure") { Description = "Allow plain HTTP on a non-loopback address (the token crosses the network in clear)" };
        var command = new Command("dashboard", "Serve the live dashboard (tickets by status, live events, an API for workers and actions) and print its URL with the token") { port, bind, open, cert, key, insecure };
        CommandRunner.Bind(command, async (parse, host, ct) =>
        {
            var options = new DashboardOptions
            {
                Port = parse.GetValue(port),
                Bind = ParseAddress(parse.GetValue(bind)!),
                CertificateFile = parse.GetValue(cert),
                KeyFile = parse.GetValue(key),
                Insecure = parse.GetValue(insecure),
            };
            using var signals = new StopSignals(ct);
            await using var hosting = await DashboardHosting.StartAsync(host, options, signals.Token).ConfigureAwait(false);
            var server = hosting.Server;
            host.Out.WriteLine($"Dashboard: {server.Url}");
            host.Out.WriteLine("The token is in .baton/dashboard.token (delete it to revoke). Stop with Ctrl-C.");
            host.Out.Flush();
            if (parse.GetValue(open))
            {
                Open(host, server.Url);
            }

            await server.RunUntilAsync(signals.Token).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    internal static IPAddress ParseAddress(string text)
    {
        if (text == "localhost")
        {
            return IPAddress.Loopback;
        }

        return IPAddress.TryParse(text, out var address)
            ? address
            : throw BatonException.Usage($"--bind takes an IP address (127.0.0.1, 0.0.0.0, ::1), not '{text}'");
    }

    private static void Open(CliHost host, Uri url)
    {
        try
        {
            var result = host.Runner.Run(new ProcessRequest("xdg-open", [url.ToString()]) { Timeout = TimeSpan.FromSeconds(10) });
            if (result.ExitCode != 0)
            {
                host.Error.WriteLine("baton: could not open a browser (xdg-open failed); open the URL above yourself");
            }
        }
        catch (BatonException e)
        {
            host.Error.WriteLine($"baton: could not open a browser ({e.Message}); open the URL above yourself");
        }
    }

    /// <summary>The page's reads and actions over this host's services, shaped as the `--json` commands print them.</summary>
    internal sealed partial class Backend : IDashboardBackend
    {
        private const string Actor = "dashboard";

        private readonly CliHost _host;
        private readonly Redactor _redactor;

        public Backend(CliHost host)
        {
            _host = host;
            _redactor = host.Secrets();
        }

        public string TicketsJson() =>
            Safe(JsonSerializer.Serialize(_host.Tickets().List(new Baton.Core.Storage.TicketQuery(), readyOnly: false, TicketCommand.DefaultListLimit).Select(TicketJson.From).ToList(), CliJson.Readable.ListTicketJson));

        public string WorkersJson()
        {
            var now = _host.Time.GetUtcNow();
            var views = _host.Monitor().Refresh(false);
            var contexts = views.Count == 0 ? [] : WorkerRows.Contexts(_host.UsageStore.List(), _host.Config.Handoff.Windows);
            var rows = views.Select(v => WorkerRows.ToJson(v.Worker, v.Session, now, contexts.GetValueOrDefault(v.Worker.Name))).ToList();
            return Safe(JsonSerializer.Serialize(rows, CliJson.Readable.ListWorkerJson));
        }

        public bool ObserveWorkers()
        {
            if (_host.AutopilotLock.Holder() is not null)
            {
                return false; // the loop's monitor observes them every tick
            }

            _host.Monitor().Refresh(false);
            return true;
        }

        // Any thread (streams call it at once): it only formats, and the redactor is immutable.
        public string EventJson(EventRecord e) => Safe(CliJson.Line(EventsCommand.ToJson(e), CliJson.Readable.EventJson));

        public async Task<string> SendAsync(string worker, string text, CancellationToken ct)
        {
            RequireWorker(worker);
            var outcome = await _host.WorkerService(Actor).SendAsync(worker, text, ct).ConfigureAwait(false);
            return Safe(JsonSerializer.Serialize(new SendJson(worker, outcome.Verified, outcome.EnterAttempts, outcome.Chunks, outcome.Detail), CliJson.Readable.SendJson));
        }

        public async Task<string> KillAsync(string worker, CancellationToken ct)
        {
            RequireWorker(worker);
            var outcome = await _host.WorkerService(Actor).KillAsync(worker, ct).ConfigureAwait(false);
            return Safe(JsonSerializer.Serialize(new KillJson(outcome.Worker, outcome.How, outcome.Graceful), CliJson.Readable.KillJson));
        }

        public string RetryTicket(string id)
        {
            var number = TicketId.Parse(id);
            if (_host.TicketStore.GetTicket(number) is null)
            {
                throw new DashboardNotFoundException($"unknown ticket {TicketId.Format(number)}");
            }

            var tickets = _host.Tickets();
            var ticket = tickets.Update(id, new UpdateTicketRequest { Status = TicketStatus.Open.ToText(), Note = $"reopened from the {Actor}" });
            return Safe(JsonSerializer.Serialize(TicketJson.From(tickets.Show(ticket.Id)), CliJson.Readable.TicketJson));
        }

        public string AcknowledgeNotification(long id)
        {
            if (_host.NotificationStore.Get(id) is null)
            {
                throw new DashboardNotFoundException($"unknown notification N-{id}");
            }

            return Safe(JsonSerializer.Serialize(NotifyCommand.Rows([_host.Notifier().Acknowledge(id, Actor)]), CliJson.Readable.ListNotificationJson));
        }

        /// <summary>
        /// Masks this process's secrets and known key shapes in the whole answer: text written by a
        /// process that did not have a secret in its environment is masked here too. Secrets are
        /// matched as they stand in the JSON text (one with a quote or backslash is escaped there).
        /// </summary>
        private string Safe(string json) => _redactor.Redact(json);

        public string Redact(string text) => _redactor.Redact(text);

        private void RequireWorker(string name)
        {
            WorkerName.Validate(name);
            if (_host.Store.GetWorker(name) is null)
            {
                throw new DashboardNotFoundException($"unknown worker '{name}': `baton list` shows the workers Baton knows");
            }
        }
    }
}
