using System.Diagnostics;
using System.Runtime.InteropServices;
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
    private readonly IReadOnlyList<string> _self;

    public HeadlessHost(IReadOnlyList<string> self)
    {
        _self = self;
    }

    public int Start(HeadlessLaunch launch)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var info = new ProcessStartInfo("setsid")
        {
            UseShellExecute = false,
            // Pipes we close at once: the supervisor must not hold the caller's terminal or
            // stdout open (a script reading `baton spawn`'s output would wait for it forever).
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = launch.Directory,
        };
        foreach (var part in _self)
        {
            info.ArgumentList.Add(part);
        }

        info.ArgumentList.Add("headless-run");
        info.ArgumentList.Add(launch.Worker);
        info.ArgumentList.Add(launch.LogPath);
        info.ArgumentList.Add("--");
        foreach (var arg in launch.Command)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in launch.Environment)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("setsid did not start");
        process.StandardInput.Close();
        process.StandardOutput.Close();
        process.StandardError.Close();
        return process.Id;
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

        if (IsAlive(pid))
        {
            kill(-pid, SigKill);
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
