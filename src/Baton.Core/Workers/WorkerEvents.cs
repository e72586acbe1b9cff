using Baton.Core.Events;

namespace Baton.Core.Workers;

/// <summary>Builds the events of a worker's life, so every service words them the same way.</summary>
internal static class WorkerEvents
{
    public static EventRecord For(Worker worker, string type, string message, DateTimeOffset time, IReadOnlyDictionary<string, string>? metadata = null) =>
        new()
        {
            Time = time,
            Type = type,
            Worker = worker.Name,
            Role = worker.Role,
            Ticket = worker.TicketId,
            Message = message,
            Metadata = metadata,
        };
}
