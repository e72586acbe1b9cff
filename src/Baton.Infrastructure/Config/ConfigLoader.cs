using Baton.Core.Config;

namespace Baton.Infrastructure.Config;

/// <summary>Reads <c>.baton/config.yaml</c>; a missing file means the defaults, a bad one fails with file and line.</summary>
public static class ConfigLoader
{
    /// <summary>The config.yaml `baton init` writes, rendered from <see cref="ConfigSchema"/>.</summary>
    public static string DefaultFile => ConfigSchema.Template();

    public static BatonConfig Load(string path, string? socketOverride)
    {
        var config = File.Exists(path) ? Parse(path, File.ReadAllText(path)) : BatonConfig.Default;
        if (!string.IsNullOrEmpty(socketOverride))
        {
            config = config with { TmuxSocket = socketOverride };
        }

        return config;
    }

    public static BatonConfig Parse(string source, string text)
    {
        var doc = YamlDocument.Parse(source, text);
        doc.AllowOnly(doc.Root, "tmux", "agents", "send", "store", "autopilot", "gate", "merge", "conflicts", "github", "handoff", "budgets", "notify", "ci", "workspace", "sandbox", "nodes");
        var config = BatonConfig.Default;
        if (doc.Map(doc.Root, "tmux") is { } tmux)
        {
            doc.AllowOnly(tmux, "prefix", "socket", "width", "height");
            var prefix = doc.String(tmux, "prefix");
            if (prefix is not null && !System.Text.RegularExpressions.Regex.IsMatch(prefix, "^[A-Za-z0-9_-]{0,20}$"))
            {
                throw doc.Error(doc.Node(tmux, "prefix")!, "'prefix' may hold only letters, digits, '-' and '_' (at most 20)");
            }

            var socket = doc.String(tmux, "socket");
            if (!string.IsNullOrEmpty(socket) && !System.Text.RegularExpressions.Regex.IsMatch(socket, "^[A-Za-z0-9_.-]{1,64}$"))
            {
                throw doc.Error(doc.Node(tmux, "socket")!, "'socket' may hold only letters, digits, '.', '-' and '_'");
            }

            config = config with
            {
                SessionPrefix = prefix ?? config.SessionPrefix,
                TmuxSocket = string.IsNullOrEmpty(socket) ? null : socket,
                PaneWidth = doc.Int(tmux, ConfigSchema.Key("tmux.width")) ?? config.PaneWidth,
                PaneHeight = doc.Int(tmux, ConfigSchema.Key("tmux.height")) ?? config.PaneHeight,
            };
        }

        if (doc.Map(doc.Root, "agents") is { } agents)
        {
            doc.AllowOnly(agents, "default", "max_instances", "tokens_per_hour");
            config = config with
            {
                DefaultAgent = doc.String(agents, "default") ?? config.DefaultAgent,
                Autopilot = config.Autopilot with
                {
                    MaxInstances = Numbers(doc, agents, ConfigSchema.Key("agents.max_instances")).ToDictionary(p => p.Key, p => (int)p.Value, StringComparer.Ordinal),
                    TokensPerHour = Numbers(doc, agents, ConfigSchema.Key("agents.tokens_per_hour")),
                },
            };
        }

        if (doc.Map(doc.Root, "send") is { } send)
        {
            doc.AllowOnly(send, "submit_retries");
            config = config with { SubmitRetries = doc.Int(send, ConfigSchema.Key("send.submit_retries")) ?? config.SubmitRetries };
        }

        if (doc.Map(doc.Root, "store") is { } store)
        {
            doc.AllowOnly(store, "busy_timeout", "url");
            config = config with
            {
                StoreBusyTimeout = doc.Duration(store, ConfigSchema.Key("store.busy_timeout")) ?? config.StoreBusyTimeout,
                StoreUrl = doc.String(store, "url") is { Length: > 0 } url ? url : null,
            };
        }

        if (doc.Map(doc.Root, "autopilot") is { } auto)
        {
            config = config with { Autopilot = Autopilot(doc, auto, config.Autopilot) };
        }

        if (doc.Map(doc.Root, "gate") is { } gate)
        {
            doc.AllowOnly(gate, "commands", "timeout", "retries", "roles");
            var commands = doc.List(gate, "commands");
            if (commands?.FirstOrDefault(string.IsNullOrWhiteSpace) is not null)
            {
                throw doc.Error(doc.Node(gate, "commands")!, "'commands' has an empty command");
            }

            config = config with
            {
                Autopilot = config.Autopilot with
                {
                    GateCommands = commands ?? config.Autopilot.GateCommands,
                    GateRoles = GateRoles(doc, gate),
                    GateTimeout = doc.Duration(gate, ConfigSchema.Key("gate.timeout")) ?? config.Autopilot.GateTimeout,
                    GateRetries = doc.Int(gate, ConfigSchema.Key("gate.retries")) ?? config.Autopilot.GateRetries,
                },
            };
        }

        if (doc.Map(doc.Root, "ci") is { } ci)
        {
            doc.AllowOnly(ci, "install");
            var install = doc.String(ci, "install");
            config = config with { CiInstall = string.IsNullOrWhiteSpace(install) ? null : install };
        }

        if (doc.Map(doc.Root, "workspace") is { } workspace)
        {
            doc.AllowOnly(workspace, "cleanup_after", "cleanup_every", "base_dir");
            var baseDir = doc.String(workspace, "base_dir");
            if (!string.IsNullOrWhiteSpace(baseDir))
            {
                // The config sits in ROOT/.baton/: a base_dir inside ROOT/.git is refused here, with its line.
                var root = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(source))) ?? "/";
                try
                {
                    _ = BatonPaths.ForRoot(root).WithWorktreesIn(baseDir);
                }
                catch (Baton.Core.BatonException e)
                {
                    throw doc.Error(doc.Node(workspace, "base_dir")!, e.Message);
                }
            }

            config = config with
            {
                WorktreeBaseDir = string.IsNullOrWhiteSpace(baseDir) ? null : baseDir.Trim(),
                CleanupAfter = doc.Duration(workspace, ConfigSchema.Key("workspace.cleanup_after")) ?? config.CleanupAfter,
                CleanupEvery = doc.Duration(workspace, ConfigSchema.Key("workspace.cleanup_every")) ?? config.CleanupEvery,
            };
        }

        if (doc.Map(doc.Root, "merge") is { } merge)
        {
            doc.AllowOnly(merge, "auto", "mode", "strategy", "prepare_ahead");
            config = config with
            {
                Autopilot = config.Autopilot with
                {
                    AutoMerge = doc.Bool(merge, "auto") ?? config.Autopilot.AutoMerge,
                    MergeMode = doc.Choice(merge, "mode", ("local", MergeMode.Local), ("pull_request", MergeMode.PullRequest)) ?? config.Autopilot.MergeMode,
                    MergeStrategy = doc.Choice(merge, "strategy", ("merge", MergeStrategy.Merge), ("rebase", MergeStrategy.Rebase)) ?? config.Autopilot.MergeStrategy,
                    MergePrepareAhead = doc.Int(merge, ConfigSchema.Key("merge.prepare_ahead")) ?? config.Autopilot.MergePrepareAhead,
                },
            };
        }

        if (doc.Map(doc.Root, "conflicts") is { } conflicts)
        {
            doc.AllowOnly(conflicts, "enabled", "debounce", "notify");
            config = config with
            {
                Autopilot = config.Autopilot with
                {
                    ConflictChecks = doc.Bool(conflicts, "enabled") ?? config.Autopilot.ConflictChecks,
                    ConflictDebounce = doc.Duration(conflicts, ConfigSchema.Key("conflicts.debounce")) ?? config.Autopilot.ConflictDebounce,
                    ConflictNotify = doc.Bool(conflicts, "notify") ?? config.Autopilot.ConflictNotify,
                },
            };
        }

        if (doc.Map(doc.Root, "nodes") is { } nodes)
        {
            doc.AllowOnly(nodes, "lease_ttl", "heartbeat", "remote");
            var d = config.Nodes;
            // heartbeat < lease_ttl is checked where both are used (`baton node`): either may come alone.
            var next = d with
            {
                LeaseTtl = doc.Duration(nodes, ConfigSchema.Key("nodes.lease_ttl")) ?? d.LeaseTtl,
                Heartbeat = doc.Duration(nodes, ConfigSchema.Key("nodes.heartbeat")) ?? d.Heartbeat,
                Remote = doc.String(nodes, "remote") is { Length: > 0 } remote ? RemoteName(doc, nodes, remote) : d.Remote,
            };
            config = config with { Nodes = next };
        }

        if (doc.Map(doc.Root, "github") is { } github)
        {
            config = config with { GitHub = GitHubConfigLoader.Parse(doc, github) };
        }

        if (doc.Map(doc.Root, "handoff") is { } handoff)
        {
            doc.AllowOnly(handoff, "at", "force", "ask_timeout", "windows");
            var d = config.Handoff;
            // A force at or below at is allowed: every automatic handoff then takes the forced path.
            config = config with
            {
                Handoff = d with
                {
                    At = doc.Int(handoff, ConfigSchema.Key("handoff.at")) ?? d.At,
                    Force = doc.Int(handoff, ConfigSchema.Key("handoff.force")) ?? d.Force,
                    AskTimeout = doc.Duration(handoff, ConfigSchema.Key("handoff.ask_timeout")) ?? d.AskTimeout,
                    Windows = Numbers(doc, handoff, ConfigSchema.Key("handoff.windows")),
                },
            };
        }

        if (doc.Map(doc.Root, "budgets") is { } budgets)
        {
            doc.AllowOnly(budgets, "soft_percent", "window_hold", "requests_per_minute", "tokens_per_minute");
            var b = config.Budgets;
            config = config with
            {
                Budgets = b with
                {
                    SoftPercent = doc.Int(budgets, ConfigSchema.Key("budgets.soft_percent")) ?? b.SoftPercent,
                    WindowHold = doc.Int(budgets, ConfigSchema.Key("budgets.window_hold")) ?? b.WindowHold,
                    RequestsPerMinute = Numbers(doc, budgets, ConfigSchema.Key("budgets.requests_per_minute")),
                    TokensPerMinute = Numbers(doc, budgets, ConfigSchema.Key("budgets.tokens_per_minute")),
                },
            };
        }

        if (doc.Map(doc.Root, "notify") is { } notify)
        {
            config = config with { Notify = NotifyConfigLoader.Parse(doc, notify) };
        }

        if (doc.Map(doc.Root, "sandbox") is { } sandbox)
        {
            config = config with { Sandbox = SandboxConfigLoader.Parse(doc, sandbox) };
        }

        return config;
    }

    private static AutopilotConfig Autopilot(YamlDocument doc, YamlDotNet.RepresentationModel.YamlMappingNode map, AutopilotConfig d)
    {
        doc.AllowOnly(map, "max_workers", "spawns_per_minute", "spawn_burst", "tick", "default_role", "base_branch", "branch_pattern",
            "headless", "stall_after", "max_nudges", "on_stall", "idle_after", "retry_attempts", "retry_base", "retry_max", "status_files", "keep_exited",
            "hold_on_overlap", "stack_dependents", "reuse_agents", "warm_pool");
        var pattern = doc.String(map, "branch_pattern");
        if (pattern is not null && (!pattern.Contains("{ticket}", StringComparison.Ordinal) || !System.Text.RegularExpressions.Regex.IsMatch(pattern, @"^[A-Za-z0-9_./{}-]+$")))
        {
            throw doc.Error(doc.Node(map, "branch_pattern")!, "'branch_pattern' must contain {ticket} and only letters, digits, '.', '_', '-', '/' and the placeholders {ticket}, {slug}, {time}");
        }

        var baseBranch = doc.String(map, "base_branch");
        if (!string.IsNullOrEmpty(baseBranch) && !System.Text.RegularExpressions.Regex.IsMatch(baseBranch, @"^[A-Za-z0-9_./-]{1,200}$"))
        {
            throw doc.Error(doc.Node(map, "base_branch")!, "'base_branch' must be a branch name (letters, digits, '.', '_', '-', '/')");
        }

        var retryBase = doc.Duration(map, ConfigSchema.Key("autopilot.retry_base")) ?? d.RetryBase;
        var retryMax = doc.Duration(map, ConfigSchema.Key("autopilot.retry_max")) ?? d.RetryMax;
        if (retryMax < retryBase)
        {
            throw doc.Error(doc.Node(map, "retry_max") ?? doc.Node(map, "retry_base")!, "'retry_max' must not be shorter than 'retry_base'");
        }

        return d with
        {
            MaxWorkers = doc.Int(map, ConfigSchema.Key("autopilot.max_workers")) ?? d.MaxWorkers,
            SpawnsPerMinute = doc.Int(map, ConfigSchema.Key("autopilot.spawns_per_minute")) ?? d.SpawnsPerMinute,
            SpawnBurst = doc.Int(map, ConfigSchema.Key("autopilot.spawn_burst")) ?? d.SpawnBurst,
            Tick = doc.Duration(map, ConfigSchema.Key("autopilot.tick")) ?? d.Tick,
            DefaultRole = doc.String(map, "default_role") ?? d.DefaultRole,
            BaseBranch = string.IsNullOrEmpty(baseBranch) ? null : baseBranch,
            BranchPattern = pattern ?? d.BranchPattern,
            Headless = doc.Bool(map, "headless") ?? d.Headless,
            StallAfter = doc.Duration(map, ConfigSchema.Key("autopilot.stall_after")) ?? d.StallAfter,
            MaxNudges = doc.Int(map, ConfigSchema.Key("autopilot.max_nudges")) ?? d.MaxNudges,
            OnStall = doc.Choice(map, "on_stall", ("restart", StallPolicy.Restart), ("fail", StallPolicy.Fail)) ?? d.OnStall,
            IdleAfter = doc.Duration(map, ConfigSchema.Key("autopilot.idle_after")) ?? d.IdleAfter,
            RetryAttempts = doc.Int(map, ConfigSchema.Key("autopilot.retry_attempts")) ?? d.RetryAttempts,
            RetryBase = retryBase,
            RetryMax = retryMax,
            StatusFiles = doc.Bool(map, "status_files") ?? d.StatusFiles,
            KeepExited = doc.Bool(map, "keep_exited") ?? d.KeepExited,
            HoldOnOverlap = doc.Bool(map, "hold_on_overlap") ?? d.HoldOnOverlap,
            StackDependents = doc.Bool(map, "stack_dependents") ?? d.StackDependents,
            ReuseAgents = doc.Bool(map, "reuse_agents") ?? d.ReuseAgents,
            WarmPool = doc.Int(map, ConfigSchema.Key("autopilot.warm_pool")) ?? d.WarmPool,
        };
    }

    /// <summary><c>nodes.remote</c>: a git remote's name, passed to git as one argument, so it must not look like an option or a path.</summary>
    private static string RemoteName(YamlDocument doc, YamlDotNet.RepresentationModel.YamlMappingNode nodes, string name) =>
        System.Text.RegularExpressions.Regex.IsMatch(name, "^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$") && !name.Contains("..", StringComparison.Ordinal)
            ? name
            : throw doc.Error(doc.Node(nodes, "remote")!, $"'nodes.remote' is '{name}', which is no remote name (letters, digits, '.', '_' and '-', as `git remote` lists them), or none");

    /// <summary><c>gate.roles</c>: role name to its list of commands, none empty.</summary>
    private static Dictionary<string, IReadOnlyList<string>> GateRoles(YamlDocument doc, YamlDotNet.RepresentationModel.YamlMappingNode gate)
    {
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (doc.Map(gate, "roles") is not { } roles)
        {
            return result;
        }

        foreach (var (k, _) in roles.Children)
        {
            var name = (k as YamlDotNet.RepresentationModel.YamlScalarNode)?.Value ?? "";
            if (!System.Text.RegularExpressions.Regex.IsMatch(name, "^[a-z][a-z0-9_-]{0,39}$"))
            {
                throw doc.Error(k, $"'gate.roles' has '{name}', which is no role name (lowercase letters, digits, '-' and '_')");
            }

            var commands = doc.List(roles, name) ?? [];
            if (commands.Count == 0 || commands.Any(string.IsNullOrWhiteSpace))
            {
                throw doc.Error(doc.Node(roles, name)!, $"'gate.roles.{name}' must be a list of commands, none empty");
            }

            result[name] = commands;
        }

        return result;
    }

    private static Dictionary<string, long> Numbers(YamlDocument doc, YamlDotNet.RepresentationModel.YamlMappingNode map, ConfigKey schema)
    {
        var (key, min, max) = (schema.Name, schema.IntMin, schema.IntMax);
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        if (doc.Map(map, key) is not { } sub)
        {
            return result;
        }

        foreach (var (k, v) in sub.Children)
        {
            var name = (k as YamlDotNet.RepresentationModel.YamlScalarNode)?.Value ?? "";
            if (v is not YamlDotNet.RepresentationModel.YamlScalarNode { Value: { } text }
                || !long.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n) || n < min || n > max)
            {
                throw doc.Error(v, $"'{key}.{name}' must be a whole number; allowed range is {min} to {max}");
            }

            result[name] = n;
        }

        return result;
    }
}
