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
}
