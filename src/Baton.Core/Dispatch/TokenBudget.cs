using System.Globalization;
using Baton.Core.Storage;

namespace Baton.Core.Dispatch;

/// <summary>
/// agents.tokens_per_hour: a profile whose workers reported (worker_usage events) as many tokens
/// in the last hour as its budget takes no new work until the hour has rolled past them.
/// </summary>
public static class TokenBudget
{
    /// <summary>Profiles over their budget at <paramref name="now"/>, each with why.</summary>
    public static IReadOnlyList<(string Agent, string Why)> Spent(IStore store, IReadOnlyDictionary<string, long> perHour, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(perHour);
        if (perHour.Count == 0)
        {
            return [];
        }

        var used = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var e in store.RecentEvents(new EventQuery(100_000, Type: Events.EventTypes.WorkerUsage, Since: now - TimeSpan.FromHours(1))))
        {
            if (e.Metadata is { } m && m.TryGetValue("agent", out var agent) && m.TryGetValue("tokens", out var text)
                && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
            {
                used[agent] = (used.TryGetValue(agent, out var u) ? u : 0) + n;
            }
        }

        return perHour
            .Where(b => used.TryGetValue(b.Key, out var u) && u >= b.Value)
            .Select(b => (b.Key, $"agent {b.Key} used {used[b.Key]} tokens in the last hour (agents.tokens_per_hour: {b.Value})"))
            .ToList();
    }
}
