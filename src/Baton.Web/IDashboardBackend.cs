using Baton.Core.Events;

namespace Baton.Web;

/// <summary>
/// What the page reads and does, over the same services the CLI commands call. The host that
/// implements it shapes every answer as the matching `--json` command prints it, so the page and
/// the CLI never disagree. Calls arrive one at a time (the server serialises them), except
/// <see cref="EventJson"/> and <see cref="Redact"/>, which every open stream calls at once.
/// </summary>
public interface IDashboardBackend
{
    /// <summary>The tickets as `baton ticket list --json` prints them.</summary>
    string TicketsJson();

    /// <summary>The workers as `baton list --json` prints them.</summary>
    string WorkersJson();

    /// <summary>One event on one line, as `baton events recent --json` shapes each.</summary>
    string EventJson(EventRecord record);

    /// <summary>Types <paramref name="text"/> to a worker and submits it (`baton send`), as the actor `dashboard`.</summary>
    Task<string> SendAsync(string worker, string text, CancellationToken ct);

    /// <summary>Ends a worker (`baton kill`).</summary>
    Task<string> KillAsync(string worker, CancellationToken ct);

    /// <summary>Opens a ticket again (`baton ticket update ID --status open`).</summary>
    string RetryTicket(string id);

    /// <summary>Masks secrets in text an answer carries (error messages included), as captures are masked.</summary>
    string Redact(string text);

    /// <summary>Acknowledges a notification (`baton notify ack ID`) as the actor `dashboard`.</summary>
    string AcknowledgeNotification(long id);

    /// <summary>At most <paramref name="limit"/> tickets as `baton ticket list --limit N --json` prints them (the board of a big repository).</summary>
    string TicketsJson(int limit);

    /// <summary>The ticket graph, laid out, with its critical path (Core's GraphBuilder); of one feature when given.</summary>
    string GraphJson(string? feature);

    /// <summary>Tokens, cost and context fill as `baton usage --json` prints them.</summary>
    string UsageJson();

    /// <summary>The merge queue as `baton merge-queue --finished N --json` prints it.</summary>
    string MergesJson(int finished);

    /// <summary>The nodes as `baton nodes --json` prints them (nothing pruned).</summary>
    string NodesJson();

    /// <summary>The latest gate runs, newest first, with their counts and output; of one ticket when given.</summary>
    string GatesJson(string? ticket, int limit);

    /// <summary>The active predicted conflicts between live branches, as recorded (by ConflictWatch or `baton conflicts`).</summary>
    string ConflictsJson();

    /// <summary>The supervisor's nudge, now (`baton nudge NAME --json`), as the actor `dashboard`.</summary>
    Task<string> NudgeAsync(string worker, CancellationToken ct);

    /// <summary>Approves the worker's permission question (`baton approve NAME --json`), as the actor `dashboard`.</summary>
    Task<string> ApproveAsync(string worker, CancellationToken ct);

    /// <summary>
    /// Observes the workers once, as `baton list` does (a state that changed becomes an event, so
    /// open pages see it), unless an autopilot on this repository already does; false when it did not look.
    /// </summary>
    bool ObserveWorkers();
}
