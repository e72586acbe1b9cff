using System.Globalization;
using Baton.Core.Tmux;
using Baton.Core.Usage;
using Baton.Core.Workers;

namespace Baton.Cli.Rendering;

internal static class WorkerRows
{
    /// <param name="context">The worker's context fill (<see cref="Contexts"/>), when known.</param>
    public static WorkerJson ToJson(Worker w, TmuxSession? session, DateTimeOffset now, ContextGauge? context = null) => new(
        w.Name,
        w.Agent,
        w.Role,
        w.Mode == WorkerMode.Tmux ? "tmux" : "headless",
        w.State.ToText(),
        w.Evidence,
        w.Directory,
        w.Session,
        w.Socket,
        (long)(now - w.CreatedAt).TotalSeconds,
        SecondsSinceOutput(w, session, now),
        w.ExitCode,
        w.Pid,
        w.LogPath,
        w.CreatedAt,
        w.StateSince,
        w.TicketId,
        w.PausedUntil,
        context?.Tokens,
        context?.EffectiveWindow,
        context?.Percent,
        Baton.Core.Dispatch.WarmPool.IsPooled(w) && w.State.IsLive());

    /// <summary>Each worker's context fill from its latest usage row, measured against the effective window of its model.</summary>
    public static Dictionary<string, ContextGauge> Contexts(IEnumerable<UsageRow> rows, IReadOnlyDictionary<string, long> windows)
    {
        var gauges = new Dictionary<string, ContextGauge>(StringComparer.Ordinal);
        foreach (var row in rows) // oldest first: the latest run of a name wins
        {
            if (ContextGauge.Of(row.Agent, row.Context, windows) is { } gauge)
            {
                gauges[row.Worker] = gauge;
            }
            else
            {
                gauges.Remove(row.Worker);
            }
        }

        return gauges;
    }

    /// <summary>A fill as a table shows it: "43%", or "-" when unknown.</summary>
    public static string Percent(ContextGauge? gauge) =>
        gauge?.Percent is { } p ? p.ToString("0", CultureInfo.InvariantCulture) + "%" : "-";

    public static long? SecondsSinceOutput(Worker w, TmuxSession? session, DateTimeOffset now)
    {
        if (session is not null)
        {
            return Math.Max(0, (long)(now - session.LastActivity).TotalSeconds);
        }

        if (w.LogPath is not null && File.Exists(w.LogPath))
        {
            return Math.Max(0, (long)(now - File.GetLastWriteTimeUtc(w.LogPath)).TotalSeconds);
        }

        return null;
    }

    public static string Duration(long? seconds) => seconds switch
    {
        null => "-",
        < 60 => seconds.Value.ToString(CultureInfo.InvariantCulture) + "s",
        < 3600 => (seconds.Value / 60).ToString(CultureInfo.InvariantCulture) + "m",
        < 86400 => (seconds.Value / 3600).ToString(CultureInfo.InvariantCulture) + "h",
        _ => (seconds.Value / 86400).ToString(CultureInfo.InvariantCulture) + "d",
    };
}
