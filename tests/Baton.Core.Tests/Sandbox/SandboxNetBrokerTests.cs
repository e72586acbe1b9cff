using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Baton.Core.Sandbox;
using Baton.Infrastructure.Sandbox;
using Xunit;

namespace Baton.Core.Tests.Sandbox;

/// <summary>
/// Baton's side of a sandbox's network with real sockets: a relay (as inside a sandbox, here on
/// this host's loopback) in front of the broker's Unix socket, and servers on 127.0.0.1.
/// </summary>
public sealed class SandboxNetBrokerTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "baton-net-test-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly ConcurrentQueue<string> _refused = new();
    private readonly TcpListener _server = new(IPAddress.Loopback, 0);
    private readonly TcpListener _other = new(IPAddress.Loopback, 0);

    public SandboxNetBrokerTests()
    {
        _server.Start();
        _other.Start();
    }

    private int ServerPort => ((IPEndPoint)_server.LocalEndpoint).Port;

    private int OtherPort => ((IPEndPoint)_other.LocalEndpoint).Port;

    public void Dispose()
    {
        _server.Stop();
        _other.Stop();
        _server.Dispose();
        _other.Dispose();
    }

    private SandboxNetBroker Broker(int[] forward, int? proxy, params string[] allow)
    {
        var broker = new SandboxNetBroker(_folder, forward, proxy, new HostAllowList(allow), (d, why) => _refused.Enqueue(d + " " + why));
        broker.Start();
        return broker;
    }

    /// <summary>Talks to the broker as the relay does: the sandbox port, then the bytes.</summary>
    private Socket Open(int port)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(Path.Combine(_folder, SandboxNetPlan.SocketName)));
        socket.Send(Encoding.ASCII.GetBytes(port + "\n"));
        socket.ReceiveTimeout = 10_000;
        return socket;
    }

    private static string ReadAll(Socket socket)
    {
        var text = new StringBuilder();
        var buffer = new byte[4096];
        int n;
        while ((n = socket.Receive(buffer)) > 0)
        {
            text.Append(Encoding.Latin1.GetString(buffer, 0, n));
        }

        return text.ToString();
    }

    /// <summary>Accepts one connection, reads what came until the peer's end, answers, closes.</summary>
    private static Task<string> ServeOnceAsync(TcpListener listener, string answer) => Task.Run(() =>
    {
        using var client = listener.AcceptSocket();
        client.ReceiveTimeout = 10_000;
        var text = new StringBuilder();
        var buffer = new byte[4096];
        while (!text.ToString().Contains("\r\n\r\n", StringComparison.Ordinal) && !text.ToString().EndsWith("ping", StringComparison.Ordinal))
        {
            var n = client.Receive(buffer);
            if (n == 0)
            {
                break;
            }

            text.Append(Encoding.Latin1.GetString(buffer, 0, n));
        }

        client.Send(Encoding.ASCII.GetBytes(answer));
        client.Shutdown(SocketShutdown.Both);
        return text.ToString();
    });

    [Fact]
    public async Task A_forwarded_port_reaches_the_same_port_on_the_hosts_loopback()
    {
        using var broker = Broker([ServerPort], null);
        var served = ServeOnceAsync(_server, "pong");

        using var socket = Open(ServerPort);
        socket.Send("ping"u8.ToArray());

        Assert.Equal("pong", ReadAll(socket));
        Assert.Equal("ping", await served);
        Assert.Empty(_refused);
    }

    [Fact]
    public void A_port_not_given_is_closed_and_reported()
    {
        using var broker = Broker([ServerPort], null);

        using var socket = Open(OtherPort);
        socket.Send("ping"u8.ToArray());

        Assert.Equal("", ReadAll(socket));
        Assert.False(_other.Pending());
        Assert.Equal($"127.0.0.1:{OtherPort} a host loopback port the sandbox was not given", Assert.Single(_refused));
    }

    [Fact]
    public async Task The_proxy_tunnels_to_an_allowed_host_and_refuses_another_without_logging_its_path()
    {
        using var broker = Broker([], 3128, $"127.0.0.1:{ServerPort}");
        var served = ServeOnceAsync(_server, "tunnelled");

        using (var socket = Open(3128))
        {
            socket.Send(Encoding.ASCII.GetBytes($"CONNECT 127.0.0.1:{ServerPort} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nping"));
            Assert.Equal("HTTP/1.1 200 Connection established\r\n\r\ntunnelled", ReadAll(socket));
        }

        Assert.Equal("ping", await served);

        using (var socket = Open(3128))
        {
            socket.Send(Encoding.ASCII.GetBytes($"GET http://127.0.0.1:{OtherPort}/x?key=SECRET HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
            var answer = ReadAll(socket);
            Assert.StartsWith("HTTP/1.1 403 Forbidden", answer, StringComparison.Ordinal);
            Assert.Contains("not in this worker's allow_hosts", answer, StringComparison.Ordinal);
        }

        Assert.False(_other.Pending());
        var refusal = Assert.Single(_refused);
        Assert.Equal($"127.0.0.1:{OtherPort} HTTP to a host not in allow_hosts", refusal);
        Assert.DoesNotContain("SECRET", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_plain_http_request_reaches_an_allowed_host_in_origin_form()
    {
        using var broker = Broker([], 3128, $"127.0.0.1:{ServerPort}");
        var served = ServeOnceAsync(_server, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");

        using var socket = Open(3128);
        socket.Send(Encoding.ASCII.GetBytes($"GET http://127.0.0.1:{ServerPort}/v1/models HTTP/1.1\r\nHost: 127.0.0.1:{ServerPort}\r\nProxy-Authorization: Basic eDp5\r\n\r\n"));

        Assert.EndsWith("\r\n\r\nok", ReadAll(socket), StringComparison.Ordinal);
        Assert.Equal($"GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1:{ServerPort}\r\nConnection: close\r\n\r\n", await served);
    }

    [Fact]
    public void Disposing_removes_the_socket_folder()
    {
        Broker([], null).Dispose();

        Assert.False(Directory.Exists(_folder));
    }
}
