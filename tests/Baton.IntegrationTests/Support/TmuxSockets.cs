namespace Baton.IntegrationTests.Support;

/// <summary>
/// Ends a test's private tmux server and removes its socket file: `kill-server` leaves the file
/// behind, and thousands of them piled up in /tmp/tmux-UID over the suite's runs.
/// </summary>
public static class TmuxSockets
{
    public static void Stop(string socket, IReadOnlyDictionary<string, string>? env = null)
    {
        ArgumentNullException.ThrowIfNull(socket);
        try
        {
            TestRepo.Run("tmux", ["-L", socket, "kill-server"], Path.GetTempPath(), null, env ?? new Dictionary<string, string>(), TimeSpan.FromSeconds(10));
        }
        catch (Xunit.Sdk.XunitException)
        {
            // tmux refused or hung: the file is removed all the same
        }

        var dir = Environment.GetEnvironmentVariable("TMUX_TMPDIR") is { Length: > 0 } t ? t : "/tmp";
        try
        {
            File.Delete(Path.Combine(dir, $"tmux-{GetEuid()}", socket));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>The effective user id, as tmux names its folder: the second number of the Uid: line of /proc/self/status (real, effective, ...).</summary>
    private static string GetEuid() =>
        File.ReadLines("/proc/self/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal)).Split('\t', StringSplitOptions.RemoveEmptyEntries)[2];
}
