using System.Globalization;
using Baton.Core.Tmux;
using Baton.Core.Workers;

namespace Baton.Cli.Rendering;

internal static class WorkerRows
{
    public static WorkerJson ToJson(Worker w, TmuxSession? session, DateTimeOffset now) => new(
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
        w.PausedUntil);

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
