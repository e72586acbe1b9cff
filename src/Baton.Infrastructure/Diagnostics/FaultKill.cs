using System.Diagnostics;

namespace Baton.Infrastructure.Diagnostics;

/// <summary>
/// Fault injection for crash tests and bench/chaos.sh: <c>BATON_FAULT_KILL_AT=after_merge</c>
/// (a comma-separated list of the loop's named points) makes `baton up` kill itself with SIGKILL
/// the first time it reaches one of them, as a power cut there would. Unset: nothing happens.
/// </summary>
public static class FaultKill
{
    public const string Variable = "BATON_FAULT_KILL_AT";

    public static Action<string>? From(string? spec)
    {
        if (string.IsNullOrWhiteSpace(spec))
        {
            return null;
        }

        var points = spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        return point =>
        {
            if (points.Contains(point))
            {
                Console.Error.WriteLine($"baton: {Variable}: killed at {point}");
                using var self = Process.GetCurrentProcess();
                self.Kill(); // SIGKILL: no finally block, no clean-up, like a crash
            }
        };
    }
}
