using System.Globalization;

namespace Baton.DashboardBench;

/// <summary>CPU time of processes from /proc/PID/stat: user + system, own and reaped children (tmux, git clients it ran).</summary>
internal static class CpuTime
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    /// <summary>Seconds of CPU the process has used so far (0 once it is gone).</summary>
    public static double Seconds(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return 0;
        }
        catch (UnauthorizedAccessException)
        {
            return 0;
        }

        // The command name (field 2) may hold spaces: the fields after it start past its ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // fields[0] is field 3 (state): utime is field 14, stime 15, cutime 16, cstime 17.
        double Field(int n) => double.Parse(fields[n - 3], CultureInfo.InvariantCulture);
        return (Field(14) + Field(15) + Field(16) + Field(17)) / TicksPerSecond;
    }

    /// <summary>The processes whose command line contains <paramref name="marker"/> (a browser's profile folder).</summary>
    public static IReadOnlyList<int> ProcessesWith(string marker)
    {
        var pids = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                if (File.ReadAllText(Path.Combine(dir, "cmdline")).Contains(marker, StringComparison.Ordinal))
                {
                    pids.Add(pid);
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return pids;
    }

    /// <summary>The processes below <paramref name="roots"/> (children, grandchildren, ...) and the roots themselves.</summary>
    public static IReadOnlyList<int> WithDescendants(IReadOnlyList<int> roots)
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid))
            {
                try
                {
                    var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                    parents[pid] = int.Parse(fields[1], CultureInfo.InvariantCulture);
                }
                catch (IOException)
                {
                }
            }
        }

        var all = new HashSet<int>(roots);
        for (var grew = true; grew;)
        {
            grew = false;
            foreach (var (pid, parent) in parents)
            {
                if (all.Contains(parent) && all.Add(pid))
                {
                    grew = true;
                }
            }
        }

        return [.. all];
    }

    public static double Seconds(IEnumerable<int> pids) => pids.Sum(Seconds);
}
