namespace Baton.Core.Dispatch;

/// <summary>
/// One thing a tick did: what kind (<see cref="Type"/>: dispatched, gate_passed, retry, ...), on which
/// ticket and worker, the line the plain view prints, and the values behind it (`up --json`).
/// </summary>
public sealed record TickAction(string Type, string? Ticket, string? Worker, string Message, IReadOnlyDictionary<string, string> Fields);
