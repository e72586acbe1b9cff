using System.Net;
using System.Net.Sockets;
using System.Text;
using Baton.IntegrationTests.Support;
using Xunit;
using static Baton.IntegrationTests.Dispatch.AutopilotKit;

namespace Baton.IntegrationTests.Sandbox;

/// <summary>
/// The escape suite's network half, under real bubblewrap through `baton up`: a worker with
/// network loopback and allow_hosts reaches the host loopback port it was given and nothing else
/// (another 127.0.0.1 port, a host not on the list, any address out of the namespace), the proxy's
/// refusal is an event without the URL's path, and `baton ticket done` from inside the sandbox
/// still moves its ticket through gate and merge.
/// </summary>
public sealed class SandboxNetworkTests
{
    [Fact]
    public async Task Only_the_allowed_loopback_port_and_hosts_are_reachable_and_refusals_are_events()
    {
        using var repo = new TestRepo();
        using var allowed = new TcpListener(IPAddress.Loopback, 0);
        using var other = new TcpListener(IPAddress.Loopback, 0);
        allowed.Start();
        other.Start();
        var allowedPort = ((IPEndPoint)allowed.LocalEndpoint).Port;
        var otherPort = ((IPEndPoint)other.LocalEndpoint).Port;
        using var stop = new CancellationTokenSource();
        var serving = Task.Run(async () =>
        {
            // Answers every connection it gets, so the agent can show what came back.
            while (!stop.IsCancellationRequested)
            {
                using var client = await allowed.AcceptSocketAsync(stop.Token);
                await client.SendAsync(Encoding.ASCII.GetBytes("welcome-from-host\n"), SocketFlags.None);
                client.Shutdown(SocketShutdown.Both);
            }
        });

        Configure(repo, gate: "commands: [\"test -f result.txt\"]");
        File.AppendAllText(Path.Combine(repo.Dir, ".baton", "config.yaml"),
            $"sandbox:\n  mode: bwrap\n  network: loopback\n  allow_hosts: [\"127.0.0.1:{allowedPort}\", \"allowed.invalid\"]\n");
        // One line each (the scripted agent runs a line per @run): the try is exec'd from a string.
        static string Fetch(string url, string label) =>
            $"exec('import urllib.request as u\\ntry: u.urlopen(\\'{url}\\', timeout=10)\\nexcept Exception as e:\\n  print(\\'{label}\\', getattr(e, \\'code\\', e)); raise')";
        string Py(string code, string name) => $"@run python3 -c \"{code}\" >> tries.txt 2>&1; echo {name}-rc=$? >> tries.txt";
        var body = string.Join('\n',
            Py($"import socket; s=socket.create_connection(('127.0.0.1', {allowedPort}), 5); print('got', s.recv(100).decode().strip())", "allowed"),
            Py($"import socket; socket.create_connection(('127.0.0.1', {otherPort}), 3)", "other"),
            Py("import socket; socket.create_connection(('10.255.255.1', 80), 3)", "outside"),
            Py(Fetch("http://blocked.invalid/private?token=PATH-SECRET", "blocked-status"), "blocked"),
            Py(Fetch("http://allowed.invalid/", "allowed-host-status"), "listed"),
            "@run env | grep -c '^HTTPS_PROXY=http://127.0.0.1:3128$' >> tries.txt",
            "@write result.txt done",
            "@commit T-1: network attempts",
            "@run baton ticket done T-1 --summary \"tried the network\"");
        var id = Ticket(repo, "Try the network", body);

        var up = Up(repo);
        await stop.CancelAsync();
        allowed.Stop();
        await Assert.ThrowsAnyAsync<Exception>(() => serving);

        Assert.True(up.ExitCode == 0, $"{up.Stdout}\n{up.Stderr}");
        Assert.Equal("done", Status(repo, id)); // `baton ticket done` inside the sandbox reached the store
        var tries = repo.Git("show", "main:tries.txt");
        var spawned = Events(repo, "worker_spawned").Single(e => e.GetProperty("ticket").ValueKind != System.Text.Json.JsonValueKind.Null);
        Assert.Equal($"bwrap network=loopback ports {allowedPort}; proxy for allowed.invalid", spawned.GetProperty("metadata").GetProperty("sandbox").GetString());

        Assert.Contains("got welcome-from-host\nallowed-rc=0", tries, StringComparison.Ordinal);
        Assert.Contains("other-rc=1", tries, StringComparison.Ordinal);
        Assert.False(other.Pending(), tries);
        Assert.Contains("outside-rc=1", tries, StringComparison.Ordinal);
        Assert.Contains("blocked-status 403", tries, StringComparison.Ordinal);
        Assert.Contains("blocked-rc=1", tries, StringComparison.Ordinal);
        // A listed host is let through: it fails only because it does not resolve (502 from the proxy, not 403).
        Assert.Contains("allowed-host-status 502", tries, StringComparison.Ordinal);
        Assert.Contains("listed-rc=1\n1\n", tries, StringComparison.Ordinal); // HTTPS_PROXY points at the relay

        var refused = Events(repo, "sandbox_net_refused");
        var refusal = Assert.Single(refused);
        Assert.Equal("blocked.invalid:80", refusal.GetProperty("metadata").GetProperty("destination").GetString());
        Assert.Equal(spawned.GetProperty("worker").GetString(), refusal.GetProperty("worker").GetString());
        Assert.DoesNotContain("PATH-SECRET", string.Join('\n', Events(repo).Select(e => e.ToString())), StringComparison.Ordinal);
    }
}
