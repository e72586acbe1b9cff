using System.Globalization;
using System.Runtime.InteropServices;
using Baton.Core;
using Baton.Core.Processes;
using Baton.Core.Workers;

namespace Baton.Infrastructure.Workers;

/// <summary>
/// Starts headless agents under a supervisor (`baton headless-run`) in a session of its own
/// (setsid), so the agent outlives the `baton spawn` that started it, and a Ctrl-C in the user's
/// terminal does not reach it. The supervisor writes the log and records the exit code.
/// </summary>
public sealed partial class HeadlessHost : IHeadlessHost
{
    private const int SigTerm = 15;
    private const int SigKill = 9;

    // Runs in the new session: tells its pid (the supervisor's, exec keeps it), then becomes the
    // supervisor with stdin/stdout/stderr on /dev/null, so it holds neither the caller's terminal
    // nor our pipe open (a script reading `baton spawn`'s output would wait for it forever).
    private const string Detach = "echo $$; exec \"$@\" </dev/null >/dev/null 2>&1";

    private readonly IProcessRunner _runner;
    private readonly IReadOnlyList<string> _self;

    public HeadlessHost(IProcessRunner runner, IReadOnlyList<string> self)
    {
        _runner = runner;
        _self = self;
    }

    public int Start(HeadlessLaunch launch)
    {
        ArgumentNullException.ThrowIfNull(launch);
        // `setsid -f` forks into a session of its own and returns at once: the supervisor is
        // nobody's child we wait for, and a Ctrl-C in the user's terminal does not reach it.
        var result = _runner.Run(new ProcessRequest("setsid", ["-f", "sh", "-c", Detach, "baton-headless", .. _self, "headless-run", launch.Worker, launch.LogPath, "--", .. launch.Command])
        {
            WorkingDirectory = launch.Directory,
            Environment = launch.Environment,
            Timeout = TimeSpan.FromSeconds(15),
        });
        if (result.ExitCode != 0 || !int.TryParse(result.StandardOutput.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            throw new BatonException($"could not start the headless supervisor (setsid exit code {result.ExitCode}): {result.StandardError.Trim()}");
        }

        return pid;
    }

    public bool IsAlive(int pid)
    {
        if (kill(pid, 0) != 0)
        {
            return false;
        }

        // A recycled pid belongs to someone else: only our supervisor counts.
        try
        {
            var cmdline = File.ReadAllText($"/proc/{pid}/cmdline");
            return cmdline.Contains("headless-run", StringComparison.Ordinal) && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return true;
        }
    }

    public void Stop(int pid, TimeSpan grace)
    {
        // The supervisor leads its own process group (setsid): signal the whole group.
        kill(-pid, SigTerm);
        var deadline = DateTime.UtcNow + grace;
        while (DateTime.UtcNow < deadline && IsAlive(pid))
        {
            Thread.Sleep(50);
        }

        // The leader gone does not mean the group is: its other members got the same SIGTERM but
        // may not have been scheduled to die yet (seen under load: the agent still alive right
        // after). Whatever is left of the group is killed, and the wait is bounded.
        kill(-pid, SigKill);
        var gone = DateTime.UtcNow + TimeSpan.FromSeconds(1);
        while (DateTime.UtcNow < gone && GroupHasLiveMember(pid))
        {
            Thread.Sleep(10);
        }
    }

    /// <summary>True while a process of group <paramref name="group"/> runs (zombies, waiting to be reaped, do not count).</summary>
    private static bool GroupHasLiveMember(int group)
    {
        if (kill(-group, 0) != 0)
        {
            return false; // ESRCH: no process left in the group
        }

        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (fields[0] != "Z" && fields[2] == group.ToString(System.Globalization.CultureInfo.InvariantCulture))
                {
                    return true;
                }
            }
            catch (IOException)
            {
                // It ended while we looked.
            }
        }

        return false;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
