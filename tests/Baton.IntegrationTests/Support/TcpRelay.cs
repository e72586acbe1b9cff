using System.Net;
using System.Net.Sockets;

namespace Baton.IntegrationTests.Support;

/// <summary>
/// A TCP relay on 127.0.0.1 in front of a server: what connects to <see cref="Port"/> reaches the
/// target. <see cref="Cut"/> closes every relayed connection and stops accepting (the network to
/// the server is gone); <see cref="Restore"/> listens on the same port again.
/// </summary>
public sealed class TcpRelay : IDisposable
{
    private readonly int _target;
    private readonly Lock _gate = new();
    private readonly List<TcpClient> _open = [];
    private TcpListener? _listener;
    private CancellationTokenSource _stop = new();

    public TcpRelay(int target)
    {
        _target = target;
        Listen(0);
        Port = ((IPEndPoint)_listener!.LocalEndpoint).Port;
    }

    public int Port { get; }

    private void Listen(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        _listener = listener;
        var stop = _stop.Token;
        _ = Task.Run(() => AcceptAsync(listener, stop), CancellationToken.None);
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await listener.AcceptTcpClientAsync(stop).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var outbound = new TcpClient();
            try
            {
                await outbound.ConnectAsync(IPAddress.Loopback, _target, stop).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException)
            {
                inbound.Dispose();
                outbound.Dispose();
                continue;
            }

            lock (_gate)
            {
                _open.Add(inbound);
                _open.Add(outbound);
            }

            _ = PipeAsync(inbound, outbound, stop);
            _ = PipeAsync(outbound, inbound, stop);
        }
    }

    private static async Task PipeAsync(TcpClient from, TcpClient to, CancellationToken stop)
    {
        try
        {
            await from.GetStream().CopyToAsync(to.GetStream(), stop).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException or SocketException)
        {
        }
        finally
        {
            from.Dispose();
            to.Dispose();
        }
    }

    /// <summary>Closes every relayed connection (reset, as a dropped network does) and stops listening.</summary>
    public void Cut()
    {
        _stop.Cancel();
        _listener?.Stop();
        _listener = null;
        List<TcpClient> open;
        lock (_gate)
        {
            open = [.. _open];
            _open.Clear();
        }

        foreach (var c in open)
        {
            try
            {
                if (c.Client is { } socket)
                {
                    socket.LingerState = new LingerOption(true, 0); // a reset, not a polite close
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }

            c.Dispose();
        }
    }

    /// <summary>Accepts again on the same port.</summary>
    public void Restore()
    {
        _stop.Dispose();
        _stop = new CancellationTokenSource();
        Listen(Port);
    }

    public void Dispose()
    {
        Cut();
        _stop.Dispose();
    }
}
