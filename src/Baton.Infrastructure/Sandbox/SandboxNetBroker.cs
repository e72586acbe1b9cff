using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Baton.Core.Sandbox;

namespace Baton.Infrastructure.Sandbox;

/// <summary>
/// Baton's side of a sandbox's network, outside it: a Unix socket in a folder bound into the
/// sandbox, where the relay inside (<see cref="SandboxRelay"/>) sends each connection it accepts,
/// prefixed with the sandbox port it came to. The policy is here, not in the relay (the agent can
/// reach the socket itself): a forwarded port goes to the same port on the host's 127.0.0.1, the
/// proxy port gets an HTTP proxy that lets through only <see cref="HostAllowList"/>'s hosts, and
/// anything else is refused and reported (host and port only: no path, query or header).
/// </summary>
public sealed class SandboxNetBroker : IDisposable
{
    private readonly string _folder;
    private readonly HashSet<int> _forward;
    private readonly int? _proxyPort;
    private readonly HostAllowList _allow;
    private readonly Action<string, string> _refused;
    private readonly Socket _listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);

    /// <param name="refused">Called with (destination, reason) for each refused connection, on a pool thread.</param>
    public SandboxNetBroker(string folder, IEnumerable<int> forward, int? proxyPort, HostAllowList allow, Action<string, string> refused)
    {
        _folder = folder;
        _forward = [.. forward];
        _proxyPort = proxyPort;
        _allow = allow;
        _refused = refused;
    }

    public string SocketPath => Path.Combine(_folder, SandboxNetPlan.SocketName);

    public void Start()
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("sandboxes need Linux");
        }

        // 0700: the socket is the sandbox's door; nobody else on the machine may use it.
        Directory.CreateDirectory(_folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.Delete(SocketPath);
        _listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
        _listener.Listen(64);
        _ = Task.Run(AcceptLoopAsync);
    }

    public void Dispose()
    {
        _listener.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover folder in TMPDIR holds only a dead socket.
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(Socket client)
    {
        try
        {
            var head = await ReadHeadAsync(client, "\n"u8.ToArray(), 16).ConfigureAwait(false);
            if (head is null || !int.TryParse(Encoding.ASCII.GetString(head.Value.Head).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
            {
                client.Dispose();
                return;
            }

            if (port == _proxyPort)
            {
                await ProxyAsync(client, head.Value.After).ConfigureAwait(false);
            }
            else if (_forward.Contains(port))
            {
                var upstream = await ConnectAsync("127.0.0.1", port).ConfigureAwait(false);
                await SocketPipe.RunAsync(client, upstream, head.Value.After).ConfigureAwait(false);
            }
            else
            {
                _refused("127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture), "a host loopback port the sandbox was not given");
                client.Dispose();
            }
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException)
        {
            client.Dispose();
        }
    }

    private async Task ProxyAsync(Socket client, byte[] start)
    {
        var read = await ReadHeadAsync(client, "\r\n\r\n"u8.ToArray(), ProxyRequestHead.MaxLength, start).ConfigureAwait(false);
        if (read is null)
        {
            await AnswerAsync(client, "400 Bad Request", "baton sandbox proxy: the request head is incomplete or too long").ConfigureAwait(false);
            return;
        }

        var request = ProxyRequestHead.Parse(Encoding.Latin1.GetString(read.Value.Head), out var problem);
        if (request is null)
        {
            await AnswerAsync(client, "400 Bad Request", "baton sandbox proxy: " + problem).ConfigureAwait(false);
            return;
        }

        if (!_allow.Allows(request.Host, request.Port))
        {
            _refused(request.Destination, request.Tunnel ? "CONNECT to a host not in allow_hosts" : "HTTP to a host not in allow_hosts");
            await AnswerAsync(client, "403 Forbidden", $"baton sandbox proxy: {request.Destination} is not in this worker's allow_hosts").ConfigureAwait(false);
            return;
        }

        Socket upstream;
        try
        {
            upstream = await ConnectAsync(request.Host, request.Port).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            await AnswerAsync(client, "502 Bad Gateway", $"baton sandbox proxy: {request.Destination}: {e.Message}").ConfigureAwait(false);
            return;
        }

        if (request.Tunnel)
        {
            await client.SendAsync("HTTP/1.1 200 Connection established\r\n\r\n"u8.ToArray(), SocketFlags.None).ConfigureAwait(false);
            await SocketPipe.RunAsync(client, upstream, read.Value.After).ConfigureAwait(false);
        }
        else
        {
            byte[] first = [.. Encoding.Latin1.GetBytes(request.Forwarded), .. read.Value.After];
            await SocketPipe.RunAsync(client, upstream, first).ConfigureAwait(false);
        }
    }

    private static async Task<Socket> ConnectAsync(string host, int port)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await socket.ConnectAsync(host, port, timeout.Token).ConfigureAwait(false);
            return socket;
        }
        catch (OperationCanceledException)
        {
            socket.Dispose();
            throw new SocketException((int)SocketError.TimedOut);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task AnswerAsync(Socket client, string status, string text)
    {
        try
        {
            var body = Encoding.UTF8.GetBytes(text + "\n");
            var head = $"HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {body.Length.ToString(CultureInfo.InvariantCulture)}\r\nConnection: close\r\n\r\n";
            await client.SendAsync(Encoding.ASCII.GetBytes(head).Concat(body).ToArray(), SocketFlags.None).ConfigureAwait(false);
            client.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // The client went away first.
        }
        finally
        {
            client.Dispose();
        }
    }

    /// <summary>Reads until <paramref name="end"/> (at most <paramref name="max"/> bytes): the head with its end, and what came after it.</summary>
    private static async Task<(byte[] Head, byte[] After)?> ReadHeadAsync(Socket socket, byte[] end, int max, byte[]? start = null)
    {
        var data = new List<byte>(start ?? []);
        var buffer = new byte[4096];
        while (true)
        {
            var at = IndexOf(data, end);
            if (at >= 0)
            {
                var cut = at + end.Length;
                return ([.. data.Take(cut)], [.. data.Skip(cut)]);
            }

            if (data.Count >= max)
            {
                return null;
            }

            var n = await socket.ReceiveAsync(buffer, SocketFlags.None).ConfigureAwait(false);
            if (n == 0)
            {
                return null;
            }

            data.AddRange(buffer.AsSpan(0, n));
        }
    }

    private static int IndexOf(List<byte> data, byte[] end)
    {
        for (var i = 0; i + end.Length <= data.Count; i++)
        {
            var j = 0;
            while (j < end.Length && data[i + j] == end[j])
            {
                j++;
            }

            if (j == end.Length)
            {
                return i;
            }
        }

        return -1;
    }
}
