using System.Globalization;
using Baton.Core.Dispatch;
using Baton.Core.Events;
using Baton.Core.Storage;

namespace Baton.Core.Budgets;

/// <summary>
/// budgets.requests_per_minute and budgets.tokens_per_minute: a token bucket per profile of one
/// minute's worth, replayed from the last minute's events (each launch, task_dispatched, takes a
/// request; each reported turn, worker_usage, a request and its tokens). A profile whose bucket is
/// empty takes no new launch until it refilled. Rebuilt from the store each time, so the loop, a
/// restarted loop and `baton budget` see the same buckets.
/// </summary>
public sealed class ProfileRates
{
    private readonly Dictionary<string, TokenBucket> _requests = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TokenBucket> _tokens = new(StringComparer.Ordinal);

    private ProfileRates(BudgetConfig config, DateTimeOffset start)
    {
        foreach (var (agent, n) in config.RequestsPerMinute)
        {
            _requests[agent] = new TokenBucket(Clamp(n), Clamp(n), start);
        }

        foreach (var (agent, n) in config.TokensPerMinute)
        {
            _tokens[agent] = new TokenBucket(Clamp(n), Clamp(n), start);
        }
    }

    public bool Any => _requests.Count + _tokens.Count > 0;

    /// <summary>The buckets as the last minute's events leave them at <paramref name="now"/>.</summary>
    public static ProfileRates At(BudgetConfig config, IStore store, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(store);
        var since = now - TimeSpan.FromMinutes(1);
        var rates = new ProfileRates(config, since);
        if (!rates.Any)
        {
            return rates;
        }

        var events = store.RecentEvents(new EventQuery(10_000, Type: EventTypes.WorkerUsage, Since: since))
            .Concat(store.RecentEvents(new EventQuery(10_000, Type: EventTypes.TaskDispatched, Since: since)))
            .OrderBy(e => e.Time);
        foreach (var e in events)
        {
            rates.Replay(e);
        }

        return rates;
    }

    /// <summary>Why <paramref name="agent"/> takes no launch now; null when it may.</summary>
    public string? Check(string agent, DateTimeOffset now)
    {
        if (_requests.TryGetValue(agent, out var r) && r.Available(now) < 1)
        {
            return $"agent {agent} used its {r.PerMinute} requests a minute (budgets.requests_per_minute)";
        }

        if (_tokens.TryGetValue(agent, out var t) && t.Available(now) <= 0)
        {
            return $"agent {agent} used its {t.PerMinute} tokens a minute (budgets.tokens_per_minute)";
        }

        return null;
    }

    /// <summary>A launch of <paramref name="agent"/> takes one request.</summary>
    public void Launched(string agent, DateTimeOffset now)
    {
        if (_requests.TryGetValue(agent, out var r))
        {
            r.Spend(1, now);
        }
    }

    /// <summary>Requests and tokens left this minute per profile that has a rate.</summary>
    public IReadOnlyList<(string Agent, int? Requests, int? Tokens)> Left(DateTimeOffset now) =>
        _requests.Keys.Concat(_tokens.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(a => (a, _requests.TryGetValue(a, out var r) ? (int?)r.Available(now) : null, _tokens.TryGetValue(a, out var t) ? (int?)t.Available(now) : null))
            .ToList();

    private void Replay(EventRecord e)
    {
        if (e.Metadata?.GetValueOrDefault("agent") is not { } agent)
        {
            return;
        }

        if (_requests.TryGetValue(agent, out var r))
        {
            r.Spend(1, e.Time);
        }

        if (e.Type == EventTypes.WorkerUsage && _tokens.TryGetValue(agent, out var t)
            && long.TryParse(e.Metadata.GetValueOrDefault("tokens"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
        {
            t.Spend(n, e.Time);
        }
    }

    private static int Clamp(long n) => (int)Math.Clamp(n, 1, int.MaxValue);
}
