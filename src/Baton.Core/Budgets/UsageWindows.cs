using System.Globalization;
using Baton.Core.Events;
using Baton.Core.Storage;
using Baton.Core.Workers;

namespace Baton.Core.Budgets;

/// <summary>
/// budgets.window_hold: a profile whose agent reported a subscription window at or above the hold
/// percent takes no new launch until the window resets (its <c>resets_at</c>). The windows are the
/// usage_window events the monitor writes from Codex's rollouts, and Claude Code's status-line
/// readings (<see cref="Usage.IRateLimitReadings"/>).
/// </summary>
public static class UsageWindows
{
    /// <summary>How far back a report still counts: the longest window (seven days) and a day.</summary>
    public static readonly TimeSpan Lookback = TimeSpan.FromDays(8);

    /// <summary>The usage_window event for a reported window.</summary>
    public static EventRecord Event(Worker worker, UsageWindow w)
    {
        ArgumentNullException.ThrowIfNull(worker);
        ArgumentNullException.ThrowIfNull(w);
        var meta = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["agent"] = w.Agent,
            ["window"] = w.Window,
            ["used_percent"] = w.UsedPercent.ToString("0.##", CultureInfo.InvariantCulture),
        };
        if (w.ResetsAt is { } at)
        {
            meta["resets_at"] = at.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
        }

        return new EventRecord
        {
            Time = w.At,
            Type = EventTypes.UsageWindow,
            Worker = worker.Name,
            Ticket = worker.TicketId,
            Role = worker.Role,
            Message = $"{w.Agent} {w.Window} window {meta["used_percent"]}% used" + (w.ResetsAt is { } r ? $", resets {r.UtcDateTime:yyyy-MM-dd HH:mm} UTC" : ""),
            Metadata = meta,
        };
    }

    /// <summary>
    /// Each profile's latest report of each window: the usage_window events (Codex's rollouts) and
    /// the readings kept beside the usage rows (Claude Code's status line), the newer of the two.
    /// </summary>
    public static IReadOnlyList<UsageWindow> Latest(IStore store, DateTimeOffset now, Usage.IRateLimitReadings? readings = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        var latest = new Dictionary<(string, string), UsageWindow>();
        void Take(UsageWindow w)
        {
            if (!latest.TryGetValue((w.Agent, w.Window), out var had) || had.At <= w.At)
            {
                latest[(w.Agent, w.Window)] = w;
            }
        }

        foreach (var e in store.RecentEvents(new EventQuery(2000, Type: EventTypes.UsageWindow, Since: now - Lookback)))
        {
            if (Parse(e) is { } w)
            {
                Take(w);
            }
        }

        foreach (var r in readings?.LatestRateLimits() ?? [])
        {
            if (r.Limits.FiveHour is { } five)
            {
                Take(new UsageWindow(r.Agent, "five_hour", five.UsedPercent, five.ResetsAt, r.Limits.ObservedAt));
            }

            if (r.Limits.SevenDay is { } week)
            {
                Take(new UsageWindow(r.Agent, "seven_day", week.UsedPercent, week.ResetsAt, r.Limits.ObservedAt));
            }
        }

        return latest.Values.OrderBy(w => w.Agent, StringComparer.Ordinal).ThenBy(w => w.Window, StringComparer.Ordinal).ToList();
    }

    /// <summary>The profiles held at <paramref name="now"/>, each with why and until when. Pure.</summary>
    public static IReadOnlyDictionary<string, (string Why, DateTimeOffset Until)> Held(IEnumerable<UsageWindow> windows, int holdPercent, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(windows);
        var held = new Dictionary<string, (string, DateTimeOffset)>(StringComparer.Ordinal);
        if (holdPercent <= 0)
        {
            return held;
        }

        foreach (var w in windows.Where(w => w.UsedPercent >= holdPercent && w.Until > now).OrderByDescending(w => w.Until))
        {
            held.TryAdd(w.Agent, ($"agent {w.Agent} reported {w.UsedPercent.ToString("0.#", CultureInfo.InvariantCulture)}% of its {w.Window} window used (budgets.window_hold: {holdPercent}); "
                + $"new launches wait until it resets at {w.Until.ToLocalTime():yyyy-MM-dd HH:mm}", w.Until));
        }

        return held;
    }

    private static UsageWindow? Parse(EventRecord e)
    {
        var m = e.Metadata;
        if (m is null || m.GetValueOrDefault("agent") is not { } agent || m.GetValueOrDefault("window") is not { } window
            || !double.TryParse(m.GetValueOrDefault("used_percent"), NumberStyles.Float, CultureInfo.InvariantCulture, out var used))
        {
            return null;
        }

        DateTimeOffset? resets = DateTimeOffset.TryParse(m.GetValueOrDefault("resets_at"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;
        return new UsageWindow(agent, window, used, resets, e.Time);
    }
}
