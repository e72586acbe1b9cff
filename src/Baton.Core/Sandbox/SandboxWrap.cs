using Baton.Core.Agents;
using Baton.Core.Workers;

namespace Baton.Core.Sandbox;

/// <summary>
/// Turns a worker's command into its sandboxed form at spawn (<see cref="WorkerSpawner"/>): the
/// settings of the request, role and project in that order, refusal when confinement is asked for
/// and unavailable (never a silent unconfined start), the agent's HOME reduced to what its profile
/// names, and the worker's credentials in its environment.
/// </summary>
public sealed class SandboxWrap
{
    private readonly WorkerContext _ctx;

    public SandboxWrap(WorkerContext context)
    {
        _ctx = context;
    }

    /// <summary>The network of the last <see cref="Wrap"/>, for the spawn event.</summary>
    public SandboxNetPlan? Plan { get; private set; }

    public static SandboxSettings Effective(SandboxSettings? request, SandboxSettings? role, SandboxSettings project) =>
        (request ?? SandboxSettings.Unset).Over(role ?? SandboxSettings.Unset).Over(project);

    /// <summary>The front doors' token files in .baton (the dashboard's, the MCP server's).</summary>
    public static readonly IReadOnlyList<string> TokenFiles = [Config.BatonPaths.DashboardTokenFile, Config.BatonPaths.McpTokenFile];

    /// <summary>The sandboxed command; <paramref name="environment"/> gains the worker's credentials.</summary>
    public IReadOnlyList<string> Wrap(SandboxSettings settings, AgentProfile profile, string worker, string? role, string directory,
        IReadOnlyList<string> command, Dictionary<string, string> environment, (string Own, string Common)? git)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(environment);
        // Worked out first: a contradiction (network none with allow_hosts) is refused before anything is made.
        var plan = SandboxNetPlan.For(settings, environment);
        Plan = plan;
        var probe = _ctx.Sandbox ?? throw new BatonException("sandbox: this Baton cannot probe for bubblewrap");
        var host = probe.Probe();
        if (!host.Available)
        {
            throw new BatonException($"sandbox mode bwrap asked for worker '{worker}', but confinement is not available here: {host.Reason}. The worker was not started (it never runs unconfined instead); `baton sandbox check` says more");
        }

        var home = environment.TryGetValue("HOME", out var h) ? h : _ctx.Variables.Get("HOME") ?? "/root";
        var entries = new List<string>();
        foreach (var entry in profile.SandboxHome)
        {
            var path = Path.Combine(home, entry.TrimEnd('/'));
            if (entry.EndsWith('/') && !_ctx.Files.DirectoryExists(path))
            {
                // A folder the agent will make (Claude Code's ~/.claude with its transcripts): made
                // here, so what it writes outlives the sandbox and Baton's monitor can read it.
                _ctx.Files.CreateDirectory(path);
            }

            if (_ctx.Files.FileExists(path) || _ctx.Files.DirectoryExists(path))
            {
                entries.Add(path);
            }
        }

        var readOnly = new List<string>();
        foreach (var part in _ctx.Executables.Self.Concat(_ctx.Executables.Hook).Where(Path.IsPathRooted))
        {
            readOnly.AddRange(probe.InstallRoots(part));
        }

        if (command.Count > 0 && _ctx.Executables.Resolve(command[0]) is { } agent)
        {
            readOnly.AddRange(probe.InstallRoots(agent));
        }

        if (_ctx.Credentials is { } credentials)
        {
            foreach (var (name, value) in credentials.For(worker, role))
            {
                environment[name] = value;
            }
        }

        // The user's git identity, read-only: without it a commit in the sandbox fails ("Please tell me who you are").
        var userHome = _ctx.Variables.Get("HOME");
        var identity = new List<KeyValuePair<string, string>>();
        foreach (var file in new[] { ".gitconfig", Path.Combine(".config", "git") })
        {
            var source = userHome is null ? null : Path.Combine(userHome, file);
            var target = Path.Combine(home, file);
            if (source is not null && (_ctx.Files.FileExists(source) || _ctx.Files.DirectoryExists(source)) && !entries.Contains(target))
            {
                identity.Add(new(source, target));
            }
        }

        var common = git is { } g && g.Common.Length > 0 ? g.Common : null;
        if (common is not null)
        {
            // Bound read-only only if it exists: made here, or the agent could make it and plant a hook.
            _ctx.Files.CreateDirectory(Path.Combine(common, "hooks"));
        }

        var request = new SandboxRequest
        {
            Worktree = directory,
            GitCommonDir = common,
            BatonDir = _ctx.Paths.BatonDir,
            WorktreesDir = _ctx.Paths.WorktreesDir,
            Home = home,
            HomeEntries = entries,
            ReadOnlyAt = identity,
            // Nothing under a hidden folder needs binding twice, and a system folder is there already.
            ReadOnly = readOnly.Where(p => !host.System.Any(s => p == s.Path || p.StartsWith(s.Path + "/", StringComparison.Ordinal))).ToList(),
            // A worker holding the orchestrator's keys could steer every other worker. Only files
            // that exist: bwrap would make a missing one, an empty token, in the real .baton.
            Hidden = TokenFiles.Select(f => Path.Combine(_ctx.Paths.BatonDir, f)).Where(_ctx.Files.FileExists).ToList(),
            Network = plan.Network,
            Limits = settings,
        };
        if (!plan.Relayed)
        {
            return BwrapCommand.Build(host, request, [.. command, .. profile.SandboxArguments]);
        }

        foreach (var (name, value) in plan.Environment())
        {
            environment[name] = value;
        }

        // The socket's folder lives in the host's TMPDIR, which no sandbox sees (each has a private
        // /tmp): one worker cannot reach another's socket and borrow its allowlist.
        var tmp = _ctx.Variables.Get("TMPDIR") is { Length: > 0 } t ? t : "/tmp";
        var folder = Path.Combine(tmp, "baton-net-" + Guid.NewGuid().ToString("N")[..12]);
        var ports = plan.Forward.Concat(plan.Proxy ? [plan.ProxyPort] : []).ToList();
        List<string> relay = [.. _ctx.Executables.Self, "sandbox", "relay", "--socket", SandboxNetPlan.InsideFolder + "/" + SandboxNetPlan.SocketName,
            .. ports.SelectMany(p => new[] { "--port", p.ToString(System.Globalization.CultureInfo.InvariantCulture) }), "--"];
        var boxed = BwrapCommand.Build(host, request with { NetFolder = folder, Relay = relay }, [.. command, .. profile.SandboxArguments]);
        List<string> net = [.. _ctx.Executables.Self, "sandbox", "net", "--dir", folder, "--worker", worker];
        net.AddRange(plan.Forward.SelectMany(p => new[] { "--forward", p.ToString(System.Globalization.CultureInfo.InvariantCulture) }));
        if (plan.Proxy)
        {
            net.AddRange(["--proxy", plan.ProxyPort.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            net.AddRange(plan.ProxyHosts.SelectMany(h => new[] { "--allow", h }));
        }

        return [.. net, "--", .. boxed];
    }
}
