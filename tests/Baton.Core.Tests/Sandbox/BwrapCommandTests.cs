using Baton.Core;
using Baton.Core.Sandbox;
using Xunit;

namespace Baton.Core.Tests.Sandbox;

public sealed class BwrapCommandTests
{
    private static readonly SandboxHost Host = new(true, "/usr/bin/bwrap", "bubblewrap 0.8.0", "ok")
    {
        System = [new("/usr", null), new("/bin", "usr/bin"), new("/etc", null)],
    };

    private static SandboxRequest Request(SandboxNetwork network = SandboxNetwork.Allow, string home = "/home/u") => new()
    {
        Worktree = "/home/u/repo/.baton/worktrees/w1",
        GitCommonDir = "/home/u/repo/.git",
        BatonDir = "/home/u/repo/.baton",
        Home = home,
        HomeEntries = [home + "/.claude", home + "/.claude.json"],
        ReadOnly = ["/home/u/.cache/agents/claude"],
        Network = network,
    };

    /// <summary>The mounts as (kind, target) in order, with the index of each target's first mount.</summary>
    private static List<(string Kind, string Target)> Mounts(IReadOnlyList<string> args)
    {
        var result = new List<(string, string)>();
        for (var i = 0; i < args.Count && args[i] != "--"; i++)
        {
            switch (args[i])
            {
                case "--bind" or "--ro-bind" or "--ro-bind-try" or "--symlink":
                    result.Add((args[i], args[i + 2]));
                    i += 2;
                    break;
                case "--tmpfs" or "--proc" or "--dev":
                    result.Add((args[i], args[i + 1]));
                    i++;
                    break;
            }
        }

        return result;
    }

    private static int At(List<(string Kind, string Target)> mounts, string kind, string target) =>
        mounts.FindIndex(m => m.Kind == kind && m.Target == target);

    [Fact]
    public void A_parent_is_mounted_before_what_lies_under_it_so_nothing_is_hidden_by_a_later_mount()
    {
        var mounts = Mounts(BwrapCommand.Build(Host, Request(), ["claude"]));

        // HOME is a tmpfs and the repository is under it: the tmpfs first, then the binds.
        Assert.True(At(mounts, "--tmpfs", "/home/u") < At(mounts, "--bind", "/home/u/repo/.baton"));
        Assert.True(At(mounts, "--tmpfs", "/home/u") < At(mounts, "--bind", "/home/u/.claude"));
        Assert.True(At(mounts, "--tmpfs", "/home/u") < At(mounts, "--ro-bind", "/home/u/.cache/agents/claude"));
        // Every other worktree is hidden under a tmpfs; this one is bound after it.
        Assert.True(At(mounts, "--bind", "/home/u/repo/.baton") < At(mounts, "--tmpfs", "/home/u/repo/.baton/worktrees"));
        Assert.True(At(mounts, "--tmpfs", "/home/u/repo/.baton/worktrees") < At(mounts, "--bind", "/home/u/repo/.baton/worktrees/w1"));
        // The git folder is writable, its hooks and config read-only on top of it.
        Assert.True(At(mounts, "--bind", "/home/u/repo/.git") < At(mounts, "--ro-bind-try", "/home/u/repo/.git/hooks"));
        Assert.True(At(mounts, "--bind", "/home/u/repo/.git") < At(mounts, "--ro-bind-try", "/home/u/repo/.git/config"));
        Assert.Contains(("--symlink", "/bin"), mounts);
        Assert.Contains(("--tmpfs", "/tmp"), mounts);
        Assert.Contains(("--ro-bind-try", "/etc/shadow"), mounts);
        Assert.DoesNotContain(mounts, m => m.Target == "/home/u/repo");
    }

    [Fact]
    public void Batons_shim_roles_profiles_and_config_are_read_only_over_the_writable_store_and_tokens_are_hidden()
    {
        var request = Request() with { Hidden = ["/home/u/repo/.baton/mcp.token"] };

        var mounts = Mounts(BwrapCommand.Build(Host, request, ["claude"]));

        foreach (var entry in (string[])["bin", "roles", "agents", "config.yaml", "settings", "guards", "context", "mcp"])
        {
            Assert.True(At(mounts, "--bind", "/home/u/repo/.baton") < At(mounts, "--ro-bind-try", "/home/u/repo/.baton/" + entry), entry);
        }

        var args = BwrapCommand.Build(Host, request, ["claude"]);
        var hidden = At(mounts, "--ro-bind", "/home/u/repo/.baton/mcp.token");
        Assert.True(hidden > At(mounts, "--bind", "/home/u/repo/.baton"));
        Assert.Contains(args.Select((a, i) => (a, i)), x => x.a == "/dev/null" && args[x.i + 1] == "/home/u/repo/.baton/mcp.token");
        Assert.DoesNotContain(mounts, m => m.Target is "/home/u/repo/.baton/spool" or "/home/u/repo/.baton/baton.db");
    }

    [Fact]
    public void The_main_checkout_as_the_folder_keeps_its_git_hooks_read_only()
    {
        var request = Request() with { Worktree = "/home/u/repo" };

        var mounts = Mounts(BwrapCommand.Build(Host, request, ["claude"]));

        Assert.True(At(mounts, "--bind", "/home/u/repo") < At(mounts, "--bind", "/home/u/repo/.git"));
        Assert.True(At(mounts, "--bind", "/home/u/repo/.git") < At(mounts, "--ro-bind-try", "/home/u/repo/.git/hooks"));
        Assert.DoesNotContain(("--tmpfs", "/home/u/repo/.baton/worktrees"), mounts);
    }

    [Fact]
    public void Namespaces_always_and_the_network_only_when_asked()
    {
        var open = BwrapCommand.Build(Host, Request(), ["a"]);
        var closed = BwrapCommand.Build(Host, Request(SandboxNetwork.None), ["a"]);
        var loopback = BwrapCommand.Build(Host, Request(SandboxNetwork.Loopback), ["a"]);

        Assert.Equal("/usr/bin/bwrap", open[0]);
        foreach (var flag in new[] { "--die-with-parent", "--unshare-user", "--unshare-pid", "--unshare-ipc" })
        {
            Assert.Contains(flag, open);
        }

        Assert.DoesNotContain("--unshare-net", open);
        Assert.Contains("--unshare-net", closed);
        Assert.Contains("--unshare-net", loopback);
    }

    [Fact]
    public void The_command_follows_the_separator_word_for_word_whatever_it_holds()
    {
        string[] command = ["claude", "--append-system-prompt", "it's \"quoted\"; rm -rf / $(x) `y`", "{prompt}"];

        var args = BwrapCommand.Build(Host, Request(), command);

        var at = args.ToList().IndexOf("--");
        Assert.Equal(command, args.Skip(at + 1));
        Assert.Equal(["--chdir", "/home/u/repo/.baton/worktrees/w1"], args.Skip(at - 2).Take(2));
    }

    [Fact]
    public void Limits_run_the_command_under_prlimit_with_the_command_as_positional_parameters()
    {
        var limits = new SandboxSettings { MemoryMb = 512, Processes = 64, CpuSeconds = 30 };

        var args = BwrapCommand.Limited(limits, ["agent", "$(touch /tmp/x)"]);

        Assert.Equal(["sh", "-c"], args.Take(2));
        Assert.DoesNotContain("touch", args[2], StringComparison.Ordinal);
        Assert.Contains("CPU time limit", args[2], StringComparison.Ordinal);
        Assert.Equal(["baton-sandbox", "prlimit", "--as=536870912", "--nproc=64", "--cpu=30", "--", "agent", "$(touch /tmp/x)"], args.Skip(3));
        Assert.Equal(["agent"], BwrapCommand.Limited(SandboxSettings.Unset, ["agent"]));
    }

    [Fact]
    public void An_unavailable_host_refuses_instead_of_running_unconfined()
    {
        var missing = new SandboxHost(false, null, null, "bubblewrap is not installed");

        var e = Assert.Throws<BatonException>(() => BwrapCommand.Build(missing, Request(), ["a"]));

        Assert.Contains("bubblewrap is not installed", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_role_says_only_what_differs_from_the_project()
    {
        var project = new SandboxSettings { Mode = SandboxMode.Bwrap, Network = SandboxNetwork.None, MemoryMb = 1024 };
        var role = new SandboxSettings { Network = SandboxNetwork.Allow };
        var spawn = new SandboxSettings { Mode = SandboxMode.None };

        var forRole = SandboxWrap.Effective(null, role, project);
        var forSpawn = SandboxWrap.Effective(spawn, role, project);

        Assert.Equal(SandboxMode.Bwrap, forRole.Mode);
        Assert.Equal(SandboxNetwork.Allow, forRole.Network);
        Assert.Equal(1024, forRole.MemoryMb);
        Assert.False(forSpawn.IsConfined);
    }

    [Fact]
    public void A_relayed_network_binds_the_socket_folder_into_the_private_tmp_and_runs_the_relay_around_the_limited_agent()
    {
        var request = Request(SandboxNetwork.Loopback) with
        {
            NetFolder = "/tmp/baton-net-abc",
            Relay = ["/opt/baton", "sandbox", "relay", "--socket", "/tmp/.baton-net/relay.sock", "--port", "8080", "--"],
            Limits = new SandboxSettings { CpuSeconds = 5 },
        };

        var args = BwrapCommand.Build(Host, request, ["claude"]);
        var mounts = Mounts(args);

        Assert.Contains("--unshare-net", args);
        Assert.True(At(mounts, "--tmpfs", "/tmp") < At(mounts, "--bind", SandboxNetPlan.InsideFolder));
        var after = args.Skip(args.ToList().IndexOf("--") + 1).ToList();
        Assert.Equal(["/opt/baton", "sandbox", "relay", "--socket", "/tmp/.baton-net/relay.sock", "--port", "8080", "--", "sh", "-c"], after.Take(10));
        Assert.Equal("claude", after[^1]);
    }
}
