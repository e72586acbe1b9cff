using Baton.Core.Dispatch;
using Baton.Core.Tickets;

namespace Baton.Core.Tests.Fakes;

/// <summary>Remembers the tickets the lifecycle asked to start again, with what the fresh agent is told first.</summary>
public sealed class RecordingRespawner : IRespawner
{
    public List<(Ticket Ticket, string? Prefix)> Calls { get; } = [];

    public Task RespawnAsync(Ticket ticket, string? prefix, CancellationToken ct)
    {
        Calls.Add((ticket, prefix));
        return Task.CompletedTask;
    }
}

/// <summary>Remembers the tickets whose results file would have been written.</summary>
public sealed class RecordingResults : ITicketResults
{
    public List<Ticket> Written { get; } = [];

    public void WriteResult(Ticket ticket) => Written.Add(ticket);
}
