namespace Baton.Core.Events;

/// <summary>An event a person, script or agent appends (`baton events log`); Meta holds KEY=VALUE pairs as typed.</summary>
public sealed record EventLogRequest(string Type, string Message)
{
    public string? Worker { get; init; }

    public string? Ticket { get; init; }

    public string? Commit { get; init; }

    public string? Feature { get; init; }

    public string? Role { get; init; }

    public IReadOnlyList<string> Meta { get; init; } = [];
}
