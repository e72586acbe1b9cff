using Baton.Core.Tickets;

namespace Baton.Core.Usage;

/// <summary>One line of a usage report: a worker run, a ticket, or the total.</summary>
public sealed record UsageLine(string Key, string? Agent, string? Ticket, string? AgentVersion, string? Model, TokenUsage Tokens, ContextFill? Context, int Runs);

/// <summary>Usage per worker run, per ticket and in total, from the stored rows. Pure.</summary>
public sealed record UsageReport(IReadOnlyList<UsageLine> Workers, IReadOnlyList<UsageLine> Tickets, UsageLine Total)
{
    /// <summary>Per agent profile: cost beside cache hit rate (a falling rate is what makes a profile dear).</summary>
    public IReadOnlyList<UsageLine> Profiles { get; init; } = [];

    public static UsageReport From(IEnumerable<UsageRow> rows, long? ticket = null, string? worker = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var chosen = rows.Where(r => (ticket is null || r.Ticket == ticket) && (worker is null || r.Worker == worker)).ToList();
        var workers = chosen.Select(r => new UsageLine(r.Worker, r.Agent, Id(r.Ticket), r.AgentVersion, r.Model, r.Tokens, r.Context, 1)).ToList();
        var tickets = chosen.Where(r => r.Ticket is not null)
            .GroupBy(r => r.Ticket!.Value)
            .OrderBy(g => g.Key)
            .Select(g => Sum(TicketId.Format(g.Key), g.ToList()) with { Ticket = TicketId.Format(g.Key) })
            .ToList();
        var profiles = chosen.GroupBy(r => r.Agent, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Sum(g.Key, g.ToList()) with { Agent = g.Key })
            .ToList();
        return new UsageReport(workers, tickets, Sum("total", chosen)) { Profiles = profiles };
    }

    private static UsageLine Sum(string key, IReadOnlyList<UsageRow> rows)
    {
        var tokens = rows.Aggregate(TokenUsage.Zero, (acc, r) => acc + r.Tokens);
        var agents = rows.Select(r => r.Agent).Distinct(StringComparer.Ordinal).ToList();
        // The last run's context is what the ticket's agent last saw.
        var last = rows.Where(r => r.Context is not null).OrderBy(r => r.UpdatedAt ?? r.StartedAt).LastOrDefault();
        return new UsageLine(key, agents.Count == 1 ? agents[0] : null, null, null, last?.Model, tokens, last?.Context, rows.Count);
    }

    private static string? Id(long? ticket) => ticket is { } n ? TicketId.Format(n) : null;
}
