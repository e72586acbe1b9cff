using Baton.Core.Events;
using Baton.Core.Storage;

namespace Baton.Mcp;

/// <summary>
/// What the tools need from the host (the `baton` executable): commands run in-process over the
/// same services and with the same `--json` shapes and error messages as the CLI, the worker
/// tokens, and the event log. Calls arrive one at a time (the server serialises them).
/// </summary>
public interface IMcpBackend
{
    /// <summary>Runs `baton ARGS` in this process; as the worker when <paramref name="worker"/> is given (BATON_WORKER).</summary>
    Task<McpCommandOutcome> RunAsync(IReadOnlyList<string> arguments, string? worker, CancellationToken ct);

    /// <summary>The worker a token belongs to, or null.</summary>
    string? WorkerOfToken(string? token);

    /// <summary>The ticket a worker works on (the one it was given, or the active one assigned to it), or null.</summary>
    long? TicketOf(string worker);

    /// <summary>The worker on a ticket, or null.</summary>
    string? AssigneeOf(long ticket);

    void Append(EventRecord record);

    IReadOnlyList<EventRecord> Recent(EventQuery query);

    /// <summary>The event with this id, or null.</summary>
    EventRecord? Event(long id);

    /// <summary>Masks secrets in text that goes into an event or an answer.</summary>
    string Redact(string text);

    TimeProvider Time { get; }
}
