using Baton.Core;
using Baton.Core.Workers;

namespace Baton.Infrastructure.Workers;

/// <summary>
/// A lock file per session under <c>.baton/locks/</c>. .NET takes an exclusive advisory lock
/// (flock) for <see cref="FileShare.None"/>, which other `baton` processes respect and the kernel
/// releases when a holder dies, so a crashed sender never blocks the session for good.
/// </summary>
public sealed class FileSessionLock : ISessionLock
{
    private readonly string _dir;

    public FileSessionLock(string dir)
    {
        _dir = dir;
    }

    public IDisposable Acquire(string session, TimeSpan timeout)
    {
        Directory.CreateDirectory(_dir);
        var path = Path.Combine(_dir, "send-" + session + ".lock");
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(Random.Shared.Next(5, 25));
            }
            catch (IOException e)
            {
                throw new BatonException($"another `baton` process has been typing into session '{session}' for {timeout.TotalSeconds:0}s; try again", e);
            }
        }
    }
}
