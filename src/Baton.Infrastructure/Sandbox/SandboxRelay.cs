using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Baton.Infrastructure.Sandbox;

/// <summary>
/// The sandbox's side of its network (run inside it by `baton sandbox relay`): it listens on the
/// sandbox's own 127.0.0.1 (and ::1 where the namespace has it) at each port the worker was given,
/// and hands every connection to Baton's side through the Unix socket bound into the sandbox, the
/// port first. It decides nothing: the agent could reach that socket itself, so
/// <see cref="SandboxNetBroker"/> applies the policy.
/// </summary>
public sealed class SandboxRelay : IDisposable
{
    private readonly string _socket;
    private readonly List<Socket> _listeners = [];

    public SandboxRelay(string socketPath)
    {
        _socket = socketPath;
    }

    /// <summary>Listens on every port before returning, so the agent started next finds them open.</summary>
    public void Start(IEnumerable<int> ports)
    {
        ArgumentNullException.ThrowIfNull(ports);
        foreach (var port in ports)
        {
            _listeners.Add(Listen(IPAddress.Loopback, port) ?? throw new IOException($"sandbox relay: cannot listen on 127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}"));
            // "localhost" may resolve to ::1 first (Node does): listen there too when the namespace has IPv6.
            if (Listen(IPAddress.IPv6Loopback, port) is { } six)
            {
                _listeners.Add(six);
            }
        }

        foreach (var listener in _listeners)
        {
            var port = ((IPEndPoint)listener.LocalEndPoint!).Port;
            _ = Task.Run(() => AcceptLoopAsync(listener, port));
        }
    }

    public void Dispose()
    {
        foreach (var listener in _listeners)
        {
            listener.Dispose();
        }
    }

    private static Socket? Listen(IPAddress address, int port)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (address.AddressFamily == AddressFamily.InterNetworkV6)
            {
                socket.DualMode = false;
            }

            socket.Bind(new IPEndPoint(address, port));
            socket.Listen(128);
            return socket;
        }
        catch (SocketException)
        {
            socket.Dispose();
            return null;
        }
    }

    private async Task AcceptLoopAsync(Socket listener, int port)
    {
        var prefix = Encoding.ASCII.GetBytes(port.ToString(CultureInfo.InvariantCulture) + "\n");
        while (true)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(async () =>
            {
                var broker = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await broker.ConnectAsync(new UnixDomainSocketEndPoint(_socket)).ConfigureAwait(false);
                }
                catch (SocketException)
                {
                    // Baton's side is gone (the worker is ending): the connection is refused as a closed port would be.
                    broker.Dispose();
                    client.Dispose();
                    return;
                }

                await SocketPipe.RunAsync(client, broker, prefix).ConfigureAwait(false);
            });
        }
    }
}
