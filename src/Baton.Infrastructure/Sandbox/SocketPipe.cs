using System.Net.Sockets;

namespace Baton.Infrastructure.Sandbox;

/// <summary>Copies two connected sockets into each other until both directions end, then closes them.</summary>
internal static class SocketPipe
{
    public static async Task RunAsync(Socket a, Socket b, ReadOnlyMemory<byte> firstToB)
    {
        try
        {
            if (!firstToB.IsEmpty)
            {
                await b.SendAsync(firstToB, SocketFlags.None).ConfigureAwait(false);
            }

            await Task.WhenAll(CopyAsync(a, b), CopyAsync(b, a)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException)
        {
            // One side went away: the other is closed below, as a direct connection would be.
        }
        finally
        {
            a.Dispose();
            b.Dispose();
        }
    }

    private static async Task CopyAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var n = await from.ReceiveAsync(buffer, SocketFlags.None).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Reset by either side: end this direction.
        }

        // Half-close, so a request sent before the client's end-of-file still gets its answer.
        try
        {
            to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already gone.
        }
    }
}
