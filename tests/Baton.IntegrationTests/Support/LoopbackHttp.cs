using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Baton.IntegrationTests.Support;

/// <summary>An HttpListener on a free port of 127.0.0.1, for the test servers (scripted model, fake GitHub).</summary>
public static class LoopbackHttp
{
    public static (HttpListener Listener, int Port) Listen()
    {
        // HttpListener cannot bind port 0: take a free port from the kernel and bind it at once.
        // Another test may win the race for it; a listener whose start failed is not reused (its
        // prefix stays registered), a new one tries a new port.
        for (var attempt = 0; ; attempt++)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
            try
            {
                listener.Start();
                return (listener, port);
            }
            catch (HttpListenerException) when (attempt < 20)
            {
                listener.Close();
            }
        }
    }
}
