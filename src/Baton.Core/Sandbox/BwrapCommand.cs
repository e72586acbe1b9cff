using System.Globalization;

namespace Baton.Core.Sandbox;

/// <summary>
/// The bubblewrap command line a sandboxed worker runs under: an argument list (tmux and the
/// headless host start it without a shell), so no path or prompt is ever parsed by one. Mounts are
/// ordered by depth, parents first, because a later mount on a parent would hide an earlier one
/// below it (a tmpfs HOME that holds the repository, say).
/// </summary>
public static class BwrapCommand
{
    /// <summary>Files under /etc a root-owned sandbox could still read (uid 0 owns them): replaced by empty ones.</summary>
    private static readonly string[] HiddenSystemFiles = ["/etc/shadow", "/etc/gshadow", "/etc/shadow-", "/etc/gshadow-"];

    /// <summary>
    /// What under .baton a worker reads but must not change: the `baton` shim every agent and hook
    /// runs, roles and profiles (its own permissions and auto_approve), the config, the settings,
    /// guards, context and MCP records Baton wrote for each worker. The rest of .baton (the store,
    /// the spool, logs, locks, handoff packets) stays writable: hooks and `baton` commands inside
    /// write there as they do outside.
    /// </summary>
    public static readonly IReadOnlyList<string> ReadOnlyBatonEntries = ["bin", "roles", "agents", "config.yaml", "settings", "guards", "context", "mcp"];

    public static IReadOnlyList<string> Build(SandboxHost host, SandboxRequest request, IReadOnlyList<string> command)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(command);
        if (!host.Available || host.Bwrap is null)
        {
            throw new BatonException($"sandbox: bubblewrap is not usable here ({host.Reason}); `baton sandbox check` says more");
        }

        // A user namespace of its own even for root: without it a root agent keeps its capabilities
        // and could remount the read-only binds; with it they are locked read-only.
        var args = new List<string> { host.Bwrap, "--die-with-parent", "--unshare-user", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try", "--cap-drop", "ALL" };
        if (request.Network != SandboxNetwork.Allow)
        {
            // bwrap brings the new namespace's own loopback up: the host's 127.0.0.1 is not it.
            args.Add("--unshare-net");
        }

        var mounts = new List<Mount>();
        foreach (var entry in host.System)
        {
            mounts.Add(entry.LinkTarget is null ? new Mount("--ro-bind", entry.Path, entry.Path) : new Mount("--symlink", entry.LinkTarget, entry.Path));
        }

        mounts.AddRange(HiddenSystemFiles.Where(f => host.System.Any(s => s.Path == "/etc")).Select(f => new Mount("--ro-bind-try", "/dev/null", f)));
        mounts.Add(new Mount("--proc", null, "/proc"));
        mounts.Add(new Mount("--dev", null, "/dev"));
        mounts.Add(new Mount("--tmpfs", null, "/tmp"));
        mounts.Add(new Mount("--tmpfs", null, "/var/tmp"));
        if (request.NetFolder is { } net)
        {
            mounts.Add(new Mount("--bind", net, SandboxNetPlan.InsideFolder));
        }
        mounts.Add(new Mount("--tmpfs", null, request.Home));
        mounts.AddRange(request.HomeEntries.Select(e => new Mount("--bind", e, e)));
        mounts.AddRange(request.ReadOnlyAt.Select(f => new Mount("--ro-bind", f.Key, f.Value)));
        mounts.AddRange(request.ReadOnly.Distinct(StringComparer.Ordinal).Select(p => new Mount("--ro-bind", p, p)));
        mounts.Add(new Mount("--bind", request.BatonDir, request.BatonDir));
        mounts.AddRange(ReadOnlyBatonEntries.Select(e => Path.Combine(request.BatonDir, e)).Select(p => new Mount("--ro-bind-try", p, p)));
        mounts.AddRange(request.Hidden.Select(f => new Mount("--ro-bind", "/dev/null", f)));
        var worktrees = request.WorktreesDir ?? Path.Combine(request.BatonDir, "worktrees");
        if (Under(request.Worktree, worktrees))
        {
            // Every other worker's folder lives here: none of them is visible, only this one.
            mounts.Add(new Mount("--tmpfs", null, worktrees));
        }

        if (request.GitCommonDir is { } common)
        {
            mounts.Add(new Mount("--bind", common, common));
            // Baton's guards live in hooks and config: an agent that rewrote them could commit anything.
            mounts.Add(new Mount("--ro-bind-try", Path.Combine(common, "hooks"), Path.Combine(common, "hooks")));
            mounts.Add(new Mount("--ro-bind-try", Path.Combine(common, "config"), Path.Combine(common, "config")));
        }

        // The main checkout as the worker's folder holds .git: the deeper binds above still land on top.
        mounts.Add(new Mount("--bind", request.Worktree, request.Worktree));

        foreach (var m in mounts.Select((m, i) => (m, i)).OrderBy(x => Depth(x.m.Target)).ThenBy(x => x.i).Select(x => x.m))
        {
            args.Add(m.Kind);
            if (m.Source is not null)
            {
                args.Add(m.Source);
            }

            args.Add(m.Target);
        }

        args.AddRange(["--chdir", request.Worktree, "--"]);
        // The relay is outside the limits: they are the agent's, and the relay must outlive it.
        args.AddRange(request.Relay);
        args.AddRange(Limited(request.Limits, command));
        return args;
    }

    /// <summary>
    /// The command under prlimit when limits are set, inside a small sh that names the limit when
    /// one ends the agent (the pane and the log then say why, not only "exited 137"). The command
    /// reaches sh as its positional parameters, never as script text.
    /// </summary>
    public static IReadOnlyList<string> Limited(SandboxSettings limits, IReadOnlyList<string> command)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(command);
        if (!limits.HasLimits)
        {
            return command;
        }

        var prlimit = new List<string> { "prlimit" };
        var said = new List<string>();
        if (limits.MemoryMb is { } mb)
        {
            prlimit.Add("--as=" + ((long)mb * 1024 * 1024).ToString(CultureInfo.InvariantCulture));
            said.Add($"memory {mb} MiB");
        }

        if (limits.Processes is { } n)
        {
            prlimit.Add("--nproc=" + n.ToString(CultureInfo.InvariantCulture));
            said.Add($"processes {n}");
        }

        if (limits.CpuSeconds is { } s)
        {
            prlimit.Add("--cpu=" + s.ToString(CultureInfo.InvariantCulture));
            said.Add($"CPU time {s}s");
        }

        var all = string.Join(", ", said);
        var script = "\"$@\"; rc=$?; case $rc in "
            + "152) echo \"baton sandbox: the agent used up its CPU time limit and was stopped (limits: " + all + ")\" >&2;; "
            + "137) echo \"baton sandbox: the agent was killed (signal 9), by its CPU time limit or the kernel out of memory (limits: " + all + ")\" >&2;; "
            + "134|139) echo \"baton sandbox: the agent aborted (exit $rc), likely out of memory under its limit (limits: " + all + ")\" >&2;; "
            + "esac; exit $rc";
        return ["sh", "-c", script, "baton-sandbox", .. prlimit, "--", .. command];
    }

    private static bool Under(string path, string folder) =>
        path.StartsWith(folder.TrimEnd('/') + "/", StringComparison.Ordinal);

    private static int Depth(string path) => path.TrimEnd('/').Count(ch => ch == '/');

    private sealed record Mount(string Kind, string? Source, string Target);
}
