using Baton.Core.Config;

namespace Baton.Infrastructure.Config;

/// <summary>Reads <c>.baton/config.yaml</c>; a missing file means the defaults, a bad one fails with file and line.</summary>
public static class ConfigLoader
{
    public const string DefaultFile = """
        # Baton configuration. Every value shown is the default; delete a line to keep the default.
        tmux:
          # Prefix of every tmux session Baton creates ("claude-" gives the classic claude-NAME sessions).
          prefix: baton-
          # tmux server socket (tmux -L NAME); empty means your default server. BATON_TMUX_SOCKET overrides it.
          socket: ""
          # Size of each worker's pane.
          width: 160
          height: 48
        agents:
          # Profile used by `baton spawn` without --agent: claude, codex, gemini, aider, scripted, or one in .baton/agents/.
          default: claude
          # Most live workers per profile under `baton up`, e.g. {claude: 3, codex: 2}.
          max_instances: {}
          # Tokens an hour a profile may use before `baton up` stops dispatching to it, e.g. {claude: 2000000}.
          tokens_per_hour: {}
        send:
          # How often Enter is retried when typed text was not submitted.
          submit_retries: 3
        store:
          # How long a command waits for another process's write lock on .baton/baton.db before it fails
          # with "the store is busy" (1s to 10m).
          busy_timeout: 10s
        autopilot:
          # Most live workers `baton up` runs at once (1 to 200).
          max_workers: 4
          # Spawn rate limit: a token bucket of this many spawns a minute, at most `spawn_burst` at once.
          spawns_per_minute: 12
          spawn_burst: 4
          # Pause between two ticks of the loop (100ms to 1m).
          tick: 2s
          # Role of tickets that name none (see `baton role list`).
          default_role: worker
          # Branch work starts from when its ticket's feature has no branch; empty: the branch checked out at the root.
          base_branch: ""
          # Branch of a dispatched ticket: {ticket}, {slug} and {time} (UTC yyyyMMddHHmmss).
          branch_pattern: "baton/{ticket}-{slug}-{time}"
          # Run agents headless instead of in tmux sessions.
          headless: false
          # A busy agent that shows no progress this long is nudged (1s to 24h)...
          stall_after: 10m
          # ...at most this many times, then restarted on the same worktree or failed (on_stall: restart | fail).
          max_nudges: 2
          on_stall: restart
          # An agent idle this long without reporting completion is asked for its status.
          idle_after: 2m
          # A crashed or lost agent is retried this often, after min(retry_base * 2^(n-1), retry_max).
          retry_attempts: 3
          retry_base: 10s
          retry_max: 5m
          # Regenerate ORCHESTRATION_STATUS.md and .baton/features/<feature>/tasks.md on change.
          status_files: true
          # Hold a ready ticket whose --paths overlap files that live branches already change, until they merge.
          hold_on_overlap: false
          # A ticket whose one unfinished dependency passed its gate (waiting to merge) starts on a branch made
          # from that dependency's; once it merged, the ticket is rebased onto the target, and it lands after it.
          stack_dependents: false
        conflicts:
          # Predict merge conflicts between live branches while `baton up` runs.
          enabled: true
          # Look again this long after the last new commit on a live branch (0s to 10m).
          debounce: 5s
          # Tell the agents whose branches are involved which files collide with whom.
          notify: true
        gate:
          # Commands run in the worktree when an agent reports done, e.g. ["dotnet test", "npm run lint"].
          commands: []
          timeout: 10m
          # How often a failed gate goes back to the agent before the ticket fails.
          retries: 2
        merge:
          # Merge branches that passed the gate into their target branch; false leaves them in review.
          auto: true
          # merge: a merge commit on the target; rebase: the branch's commits replayed onto the target (linear history).
          strategy: merge
          # local: Baton's merge queue merges into the target; pull_request: the branch is pushed and a
          # GitHub pull request opened and followed (merged -> done; closed unmerged -> failed).
          mode: local
        github:
          # REST API; empty: api.github.com, or https://HOST/api/v3 when the remote is on a GitHub Enterprise host.
          api_url: ""
          # OWNER/NAME; empty: read from the remote's URL. The token comes from GITHUB_TOKEN, GH_TOKEN or `gh auth token`.
          repository: ""
          # The remote branches are pushed to.
          remote: origin
          # How often `baton up` asks GitHub about open pull requests (1s to 1h).
          poll_interval: 60s
          # Labels an imported issue carries while its ticket is worked on, and when it is blocked or failed.
          in_progress_label: claude-in-progress
          blocked_label: claude-blocked

        """;

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
        doc.AllowOnly(doc.Root, "tmux", "agents", "send", "store", "autopilot", "gate", "merge", "conflicts", "github", "notify");
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
                PaneWidth = doc.Int(tmux, "width", 40, 1000) ?? config.PaneWidth,
                PaneHeight = doc.Int(tmux, "height", 10, 500) ?? config.PaneHeight,
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
                    MaxInstances = Numbers(doc, agents, "max_instances", 1, 200).ToDictionary(p => p.Key, p => (int)p.Value, StringComparer.Ordinal),
                    TokensPerHour = Numbers(doc, agents, "tokens_per_hour", 1, 1_000_000_000_000),
                },
            };
        }

        if (doc.Map(doc.Root, "send") is { } send)
        {
            doc.AllowOnly(send, "submit_retries");
            config = config with { SubmitRetries = doc.Int(send, "submit_retries", 1, 10) ?? config.SubmitRetries };
        }

        if (doc.Map(doc.Root, "store") is { } store)
        {
            doc.AllowOnly(store, "busy_timeout");
            config = config with { StoreBusyTimeout = doc.Duration(store, "busy_timeout", TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10)) ?? config.StoreBusyTimeout };
        }

        if (doc.Map(doc.Root, "autopilot") is { } auto)
        {
            config = config with { Autopilot = Autopilot(doc, auto, config.Autopilot) };
        }

        if (doc.Map(doc.Root, "gate") is { } gate)
        {
            doc.AllowOnly(gate, "commands", "timeout", "retries");
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
                    GateTimeout = doc.Duration(gate, "timeout", TimeSpan.FromSeconds(1), TimeSpan.FromHours(24)) ?? config.Autopilot.GateTimeout,
                    GateRetries = doc.Int(gate, "retries", 0, 20) ?? config.Autopilot.GateRetries,
                },
            };
        }

        if (doc.Map(doc.Root, "merge") is { } merge)
        {
            doc.AllowOnly(merge, "auto", "mode", "strategy");
            config = config with
            {
                Autopilot = config.Autopilot with
                {
                    AutoMerge = doc.Bool(merge, "auto") ?? config.Autopilot.AutoMerge,
                    MergeMode = doc.Choice(merge, "mode", ("local", MergeMode.Local), ("pull_request", MergeMode.PullRequest)) ?? config.Autopilot.MergeMode,
                    MergeStrategy = doc.Choice(merge, "strategy", ("merge", MergeStrategy.Merge), ("rebase", MergeStrategy.Rebase)) ?? config.Autopilot.MergeStrategy,
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
                    ConflictDebounce = doc.Duration(conflicts, "debounce", TimeSpan.Zero, TimeSpan.FromMinutes(10)) ?? config.Autopilot.ConflictDebounce,
                    ConflictNotify = doc.Bool(conflicts, "notify") ?? config.Autopilot.ConflictNotify,
                },
            };
        }

        if (doc.Map(doc.Root, "github") is { } github)
        {
            config = config with { GitHub = GitHubConfigLoader.Parse(doc, github) };
        }

        if (doc.Map(doc.Root, "notify") is { } notify)
        {
            config = config with { Notify = NotifyConfigLoader.Parse(doc, notify) };
        }

        return config;
    }

    private static AutopilotConfig Autopilot(YamlDocument doc, YamlDotNet.RepresentationModel.YamlMappingNode map, AutopilotConfig d)
    {
        doc.AllowOnly(map, "max_workers", "spawns_per_minute", "spawn_burst", "tick", "default_role", "base_branch", "branch_pattern",
            "headless", "stall_after", "max_nudges", "on_stall", "idle_after", "retry_attempts", "retry_base", "retry_max", "status_files",
            "hold_on_overlap", "stack_dependents");
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

        var retryBase = doc.Duration(map, "retry_base", TimeSpan.Zero, TimeSpan.FromHours(1)) ?? d.RetryBase;
        var retryMax = doc.Duration(map, "retry_max", TimeSpan.Zero, TimeSpan.FromHours(24)) ?? d.RetryMax;
        if (retryMax < retryBase)
        {
            throw doc.Error(doc.Node(map, "retry_max") ?? doc.Node(map, "retry_base")!, "'retry_max' must not be shorter than 'retry_base'");
        }

        return d with
        {
            MaxWorkers = doc.Int(map, "max_workers", 1, 200) ?? d.MaxWorkers,
            SpawnsPerMinute = doc.Int(map, "spawns_per_minute", 1, 600) ?? d.SpawnsPerMinute,
            SpawnBurst = doc.Int(map, "spawn_burst", 1, 200) ?? d.SpawnBurst,
            Tick = doc.Duration(map, "tick", TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1)) ?? d.Tick,
            DefaultRole = doc.String(map, "default_role") ?? d.DefaultRole,
            BaseBranch = string.IsNullOrEmpty(baseBranch) ? null : baseBranch,
            BranchPattern = pattern ?? d.BranchPattern,
            Headless = doc.Bool(map, "headless") ?? d.Headless,
            StallAfter = doc.Duration(map, "stall_after", TimeSpan.FromSeconds(1), TimeSpan.FromHours(24)) ?? d.StallAfter,
            MaxNudges = doc.Int(map, "max_nudges", 0, 20) ?? d.MaxNudges,
            OnStall = doc.Choice(map, "on_stall", ("restart", StallPolicy.Restart), ("fail", StallPolicy.Fail)) ?? d.OnStall,
            IdleAfter = doc.Duration(map, "idle_after", TimeSpan.FromSeconds(1), TimeSpan.FromHours(24)) ?? d.IdleAfter,
            RetryAttempts = doc.Int(map, "retry_attempts", 0, 20) ?? d.RetryAttempts,
            RetryBase = retryBase,
            RetryMax = retryMax,
            StatusFiles = doc.Bool(map, "status_files") ?? d.StatusFiles,
            HoldOnOverlap = doc.Bool(map, "hold_on_overlap") ?? d.HoldOnOverlap,
            StackDependents = doc.Bool(map, "stack_dependents") ?? d.StackDependents,
        };
    }

    private static Dictionary<string, long> Numbers(YamlDocument doc, YamlDotNet.RepresentationModel.YamlMappingNode map, string key, long min, long max)
    {
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
