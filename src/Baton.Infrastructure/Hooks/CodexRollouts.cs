using System.Globalization;

namespace Baton.Infrastructure.Hooks;

/// <summary>
/// Finds a Codex thread's rollout file, $CODEX_HOME/sessions/YYYY/MM/DD/rollout-TIME-THREAD.jsonl
/// (CODEX_HOME: the agent's environment, which `baton hook` inherits from Codex, else ~/.codex).
/// The folder is the thread's local start date, which a UUIDv7 thread id carries in its first 48
/// bits: the hook looks in that day's folder (and its neighbours, for a start near midnight) and
/// today's, one directory listing each, never a walk of the whole tree.
/// </summary>
public static class CodexRollouts
{
    public static string? Find(string? threadId)
    {
        if (threadId is null || !Guid.TryParse(threadId, out var id))
        {
            return null; // never a path built from anything but a thread id
        }

        var home = Environment.GetEnvironmentVariable("CODEX_HOME");
        if (string.IsNullOrEmpty(home))
        {
            home = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".codex");
        }

        var sessions = Path.Combine(home, "sessions");
        var text = id.ToString("D");
        var days = new List<DateTime>();
        if (text[14] == '7' && long.TryParse(text.Replace("-", "", StringComparison.Ordinal)[..12], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var ms))
        {
            var started = DateTimeOffset.FromUnixTimeMilliseconds(ms).ToLocalTime().Date;
            days.AddRange([started, started.AddDays(-1), started.AddDays(1)]);
        }

        days.Add(DateTime.Now.Date);
        foreach (var day in days.Distinct())
        {
            var dir = Path.Combine(sessions, day.ToString("yyyy", CultureInfo.InvariantCulture), day.ToString("MM", CultureInfo.InvariantCulture), day.ToString("dd", CultureInfo.InvariantCulture));
            if (Directory.Exists(dir) && Directory.EnumerateFiles(dir, $"rollout-*-{text}.jsonl").FirstOrDefault() is { } found)
            {
                return found;
            }
        }

        return null;
    }
}
