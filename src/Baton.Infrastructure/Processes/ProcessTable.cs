using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Baton.Core.Processes;

namespace Baton.Infrastructure.Processes;

/// <summary>
/// <see cref="IProcessTable"/> on Linux's /proc: a process's environment is read from
/// /proc/PID/environ (readable for this user's own processes only, which are the only ones
/// Baton started).
/// </summary>
public sealed class ProcessTable : IProcessTable
{
    private const int SigTerm = 15;
    private const int SigKill = 9;

    public IReadOnlyList<int> WithVariable(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        return WithVariables(new Dictionary<string, string> { [name] = value });
    }

    public IReadOnlyList<int> WithVariables(IReadOnlyDictionary<string, string> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        var wanted = variables.Select(v => Encoding.UTF8.GetBytes(v.Key + "=" + v.Value)).ToList();
        var self = Environment.ProcessId;
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == self)
            {
                continue;
            }

            try
            {
                var environ = File.ReadAllBytes(Path.Combine(dir, "environ"));
                if (wanted.All(w => Has(environ, w)) && IsLive(pid))
                {
                    found.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Ended while we looked, or another user's: not ours.
            }
        }

        return found;
    }

    public void Stop(IReadOnlyList<int> pids, TimeSpan grace)
    {
        ArgumentNullException.ThrowIfNull(pids);
        foreach (var pid in pids)
        {
            _ = kill(pid, SigTerm);
        }

        var deadline = DateTime.UtcNow + grace;
        while (DateTime.UtcNow < deadline && pids.Any(IsLive))
        {
            Thread.Sleep(50);
        }

        foreach (var pid in pids.Where(IsLive))
        {
            _ = kill(pid, SigKill);
        }

        var gone = DateTime.UtcNow + TimeSpan.FromSeconds(2);
        while (DateTime.UtcNow < gone && pids.Any(IsLive))
        {
            Thread.Sleep(10);
        }
    }

    /// <summary>Running, not a zombie waiting for its parent (an orphan's new parent reaps it in its own time).</summary>
    private static bool IsLive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return !stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>True when one of the NUL-separated entries of <paramref name="environ"/> is exactly <paramref name="entry"/>.</summary>
    private static bool Has(ReadOnlySpan<byte> environ, ReadOnlySpan<byte> entry)
    {
        while (environ.Length > 0)
        {
            var end = environ.IndexOf((byte)0);
            var item = end < 0 ? environ : environ[..end];
            if (item.SequenceEqual(entry))
            {
                return true;
            }

            environ = end < 0 ? [] : environ[(end + 1)..];
        }

        return false;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
