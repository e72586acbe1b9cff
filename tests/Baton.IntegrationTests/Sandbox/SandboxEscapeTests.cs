using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Baton.IntegrationTests.Support;
using Xunit;
using static Baton.IntegrationTests.Dispatch.AutopilotKit;

namespace Baton.IntegrationTests.Sandbox;

/// <summary>
/// A scripted agent under real bubblewrap, dispatched by `baton up` with the project's sandbox,
/// tries every way out the sandbox is meant to close; each attempt leaves its trace (or its lack)
/// on the host, and the ticket still goes through its gate and merge.
/// </summary>
public sealed class SandboxEscapeTests
{
    private const string KeyText = "FAKE-PRIVATE-KEY-4242";
    private const string OtherWorktreeText = "other-worktree-secret-77";
    private const string OtherCredential = "other-worker-secret-123";
    private const string OwnCredential = "own-role-secret-456";
    private const string OrchestratorToken = "orchestrator-mcp-token-789";

    [Fact]
    public void Every_escape_attempt_is_blocked_and_the_ticket_still_completes_through_gate_and_merge()
    {
        using var repo = new TestRepo();
        var home = Path.Combine(repo.Dir, "user-home");
        Directory.CreateDirectory(Path.Combine(home, ".ssh"));
        File.WriteAllText(Path.Combine(home, ".ssh", "id_ed25519"), KeyText + "\n");
        repo.SetEnv("HOME", home);
        var credentials = Path.Combine(repo.Dir, "credentials");
        repo.SetEnv("BATON_CREDENTIALS_DIR", credentials);
        var other = Path.Combine(repo.Dir, ".baton", "worktrees", "other");
        Directory.CreateDirectory(other);
        File.WriteAllText(Path.Combine(other, "secret.txt"), OtherWorktreeText + "\n");
        Configure(repo, gate: "commands: [\"test -f result.txt\"]");
        File.AppendAllText(Path.Combine(repo.Dir, ".baton", "config.yaml"), "sandbox:\n  mode: bwrap\n  network: none\n");
        repo.BatonIn(repo.Dir, OtherCredential, "credentials", "set", "sib", "OTHER_TOKEN").Ok();
        repo.BatonIn(repo.Dir, OwnCredential, "credentials", "set", "worker", "OWN_TOKEN").Ok();
        var hook = Path.Combine(repo.Dir, ".git", "hooks", "pre-commit");
        var shim = Path.Combine(repo.Dir, ".baton", "bin", "baton");
        var config = Path.Combine(repo.Dir, ".baton", "config.yaml");
        File.WriteAllText(Path.Combine(repo.Dir, ".baton", "mcp.token"), OrchestratorToken + "\n");

        // A sibling agent outside any sandbox, and a server on the host's loopback nobody may reach.
        repo.Baton("spawn", "--agent", "scripted", "--sandbox", "none", "--name", "sib").Ok();
        var sibling = int.Parse(repo.Tmux("display", "-p", "-t", "baton-sib", "#{pane_pid}").Stdout.Trim(), CultureInfo.InvariantCulture);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var body = string.Join('\n',
            $"@run echo escaped > {repo.Dir}/outside.txt; echo outside-rc=$? >> tries.txt",
            $"@run cat {home}/.ssh/id_ed25519 >> tries.txt 2>&1; echo ssh-rc=$? >> tries.txt",
            $"@run cat {other}/secret.txt >> tries.txt 2>&1; echo worktree-rc=$? >> tries.txt",
            $"@run cat {credentials}/*/workers/sib/OTHER_TOKEN >> tries.txt 2>&1; env | grep -c ^OTHER_TOKEN= >> tries.txt; echo creds-rc=$? >> tries.txt",
            // A stored value is redacted wherever Baton writes text, the ticket's body included: the
            // agent proves it has its own by a hash.
            "@run printf %s \"$OWN_TOKEN\" | sha256sum >> tries.txt",
            $"@run python3 -c \"import socket; socket.create_connection(('127.0.0.1', {port}), 3)\" >> tries.txt 2>&1; echo connect-rc=$? >> tries.txt",
            $"@run kill -9 {sibling} >> tries.txt 2>&1; echo kill-rc=$? >> tries.txt",
            $"@run echo 'exit 0 # evil' > {hook} 2>> tries.txt; echo hook-rc=$? >> tries.txt",
            // The shim every agent and hook runs, and the config every role comes from.
            $"@run echo 'exit 0 # evil' >> {shim} 2>> tries.txt; echo shim-rc=$? >> tries.txt",
            $"@run echo '# evil' >> {config} 2>> tries.txt; echo config-rc=$? >> tries.txt",
            $"@run cat {repo.Dir}/.baton/mcp.token >> tries.txt 2>&1; echo token-rc=$? >> tries.txt",
            "@write result.txt done",
            "@commit T-1: escape attempts",
            "@run baton ticket done T-1 --summary \"tried every way out\"");
        var id = Ticket(repo, "Try to escape", body);

        var up = Up(repo);

        Assert.True(up.ExitCode == 0, $"{up.Stdout}\n{up.Stderr}");
        Assert.Equal("done", Status(repo, id));
        var tries = repo.Git("show", "main:tries.txt");
        var spawned = Events(repo, "worker_spawned").Single(e => e.GetProperty("ticket").ValueKind != System.Text.Json.JsonValueKind.Null);
        Assert.Equal("bwrap network=none", spawned.GetProperty("metadata").GetProperty("sandbox").GetString());

        var blocked = new Dictionary<string, bool>
        {
            ["write outside the worktree"] = !File.Exists(Path.Combine(repo.Dir, "outside.txt")),
            ["read ~/.ssh/id_*"] = !tries.Contains(KeyText, StringComparison.Ordinal) && tries.Contains("ssh-rc=1", StringComparison.Ordinal),
            ["read another worktree"] = !tries.Contains(OtherWorktreeText, StringComparison.Ordinal) && tries.Contains("worktree-rc=1", StringComparison.Ordinal),
            ["read another worker's credentials"] = !tries.Contains(OtherCredential, StringComparison.Ordinal),
            ["connect to 127.0.0.1 on the host"] = !listener.Pending() && tries.Contains("connect-rc=1", StringComparison.Ordinal),
            ["kill a sibling agent"] = Alive(sibling) && !tries.Contains("kill-rc=0", StringComparison.Ordinal),
            ["rewrite .git/hooks"] = !(File.Exists(hook) && File.ReadAllText(hook).Contains("evil", StringComparison.Ordinal)) && !tries.Contains("hook-rc=0", StringComparison.Ordinal),
            ["rewrite Baton's shim"] = !(File.Exists(shim) && File.ReadAllText(shim).Contains("evil", StringComparison.Ordinal)) && !tries.Contains("shim-rc=0", StringComparison.Ordinal),
            ["rewrite Baton's config"] = !File.ReadAllText(config).Contains("evil", StringComparison.Ordinal) && !tries.Contains("config-rc=0", StringComparison.Ordinal),
            ["read the MCP server's token"] = !tries.Contains(OrchestratorToken, StringComparison.Ordinal),
        };
        Assert.True(blocked.Values.All(b => b), "escaped: " + string.Join(", ", blocked.Where(b => !b.Value).Select(b => b.Key)) + "\n" + tries);
        var own = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(OwnCredential)));
        Assert.True(tries.Contains(own, StringComparison.Ordinal), tries);
        Assert.Contains("0\ncreds-rc=1", tries, StringComparison.Ordinal); // no OTHER_TOKEN in its environment
        Assert.DoesNotContain(OwnCredential, string.Join('\n', Events(repo).Select(e => e.ToString())), StringComparison.Ordinal);
    }

    private static bool Alive(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
