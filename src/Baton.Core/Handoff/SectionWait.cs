using Baton.Core.Files;

namespace Baton.Core.Handoff;

/// <summary>
/// Waits for an asked agent's section file: it is read as soon as it is there; the wait ends with
/// nothing once handoff.ask_timeout has passed or the agent is gone (then the forced path). Time
/// from the TimeProvider, so the timeout is tested on a fake clock.
/// </summary>
public static class SectionWait
{
    public static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);

    public static async Task<string?> ForAsync(IFiles files, TimeProvider time, string path, TimeSpan timeout, Func<bool> agentAlive, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(agentAlive);
        var deadline = time.GetUtcNow() + timeout;
        while (true)
        {
            if (files.FileExists(path))
            {
                return files.ReadText(path);
            }

            if (time.GetUtcNow() >= deadline || !agentAlive())
            {
                return null;
            }

            await Task.Delay(Poll, time, ct).ConfigureAwait(false);
        }
    }
}
