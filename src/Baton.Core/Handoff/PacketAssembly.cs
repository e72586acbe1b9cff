using Baton.Core.Tickets;
using Baton.Core.Workers;

namespace Baton.Core.Handoff;

/// <summary>Puts a packet together: the agent's section when it is valid, Baton's record always. Pure.</summary>
public static class PacketAssembly
{
    /// <param name="sectionJson">What the agent wrote, or null when it was not asked or did not answer (the forced path).</param>
    public static HandoffPacket Make(Ticket ticket, Worker from, string toAgent, string reason, double? percent, string? sectionJson, HandoffRecord record, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentNullException.ThrowIfNull(from);
        var (section, errors) = sectionJson is null ? (null, ["no section: the agent was not asked (--now, or the forced threshold) or did not answer in time"]) : HandoffSchema.Validate(sectionJson);
        return new HandoffPacket
        {
            Ticket = ticket.Id,
            Title = ticket.Title,
            FromWorker = from.Name,
            FromAgent = from.Agent,
            ToAgent = toAgent,
            Reason = reason,
            ContextPercent = percent,
            CreatedAt = now,
            Source = section is null ? "record" : "agent",
            Section = section,
            SectionErrors = errors,
            Record = record,
        };
    }
}
