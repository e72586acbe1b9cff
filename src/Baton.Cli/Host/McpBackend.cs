using Baton.Core.Events;
using Baton.Core.Mcp;
using Baton.Core.Security;
using Baton.Core.Storage;
using Baton.Core.Tickets;
using Baton.Core.Workers;
using Baton.Mcp;

namespace Baton.Cli.Host;

/// <summary>
/// The MCP tools' way into Baton: each command runs in this process through <see cref="Program.RunAsync"/>
/// (the same parser, services, `--json` output and error messages as the CLI; no process start),
/// and events and workers are read from this host's store connection.
/// </summary>
internal sealed class McpBackend : IMcpBackend
{
    private readonly CliHost _host;
    private readonly Redactor _redactor;

    public McpBackend(CliHost host)
    {
        _host = host;
        _redactor = Redactor.From(host.Variables);
    }

    public TimeProvider Time => _host.Time;

    public async Task<McpCommandOutcome> RunAsync(IReadOnlyList<string> arguments, string? worker, CancellationToken ct)
    {
        var env = _host.Environment;
        var environment = worker is null ? env : new CliEnvironment(env.WorkingDirectory, n => n == "BATON_WORKER" ? worker : env.Variable(n));
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await Program.RunAsync([.. arguments], CliOutput.Capture(output, error), environment).ConfigureAwait(false);
        return new McpCommandOutcome(code, output.ToString(), error.ToString());
    }

    // A token ends with its worker: one that was killed or exited reaches nothing.
    public string? WorkerOfToken(string? token) =>
        new WorkerTokens(_host.Paths, _host.Files).WorkerOf(token) is { } worker && _host.Store.GetWorker(worker)?.State.IsLive() == true ? worker : null;

    public long? TicketOf(string worker)
    {
        if (_host.Store.GetWorker(worker) is not { } w)
        {
            return null;
        }

        // The ticket the autopilot gave it, else the active one a person assigned to it.
        return w.Ticket ?? _host.TicketStore.ListTickets(new TicketQuery(Assignee: worker))
            .Where(t => t.Status is TicketStatus.InProgress or TicketStatus.Testing or TicketStatus.Review or TicketStatus.Blocked)
            .Select(t => (long?)t.Number).FirstOrDefault();
    }

    public string? AssigneeOf(long ticket) => _host.TicketStore.GetTicket(ticket)?.Assignee;

    public void Append(EventRecord record) => _host.Store.AppendEvent(record);

    public IReadOnlyList<EventRecord> Recent(EventQuery query) => _host.Store.RecentEvents(query);

    public EventRecord? Event(long id) => _host.Store.EventsAfter(id - 1, 1).FirstOrDefault(e => e.Id == id);

    public string Redact(string text) => _redactor.Redact(text);
}
