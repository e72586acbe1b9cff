using System.Globalization;

namespace Baton.Core.Config;

/// <summary>
/// The one statement of config.yaml's keys: type, default, allowed range and description. The file
/// `baton init` writes is rendered from it (<see cref="Template"/>); tests hold the record defaults,
/// the loader's validation and docs/configuration.md to it, so none of them can drift. The
/// <c>notify:</c> section (channels and rules, not single values) is documented on its own.
/// </summary>
public static class ConfigSchema
{
    public const string Header = "# Baton configuration. Every value shown is the default; delete a line to keep the default.";

    /// <summary>Every key, in the template's order; a description shared by the next keys is given once, on the first.</summary>
    public static IReadOnlyList<ConfigKey> Keys { get; } =
    [
        new("tmux", "prefix", ConfigValueType.Text, "baton-", null, null, ["Prefix of every tmux session Baton creates (\"claude-\" gives the classic claude-NAME sessions)."], c => c.SessionPrefix),
        new("tmux", "socket", ConfigValueType.Text, "\"\"", null, null, ["tmux server socket (tmux -L NAME); empty means your default server. BATON_TMUX_SOCKET overrides it."], c => Q(c.TmuxSocket ?? "")),
        new("tmux", "width", ConfigValueType.Int, "160", "40", "1000", ["Size of each worker's pane."], c => N(c.PaneWidth)),
        new("tmux", "height", ConfigValueType.Int, "48", "10", "500", [], c => N(c.PaneHeight)),
        new("agents", "default", ConfigValueType.Text, "claude", null, null, ["Profile used by `baton spawn` without --agent: claude, codex, gemini, aider, scripted, or one in .baton/agents/."], c => c.DefaultAgent),
        new("agents", "max_instances", ConfigValueType.Map, "{}", "1", "200", ["Most live workers per profile under `baton up`, e.g. {claude: 3, codex: 2}."], c => M(c.Autopilot.MaxInstances.Count)),
        new("agents", "tokens_per_hour", ConfigValueType.Map, "{}", "1", "1000000000000", ["Tokens an hour a profile may use before `baton up` stops dispatching to it, e.g. {claude: 2000000}."], c => M(c.Autopilot.TokensPerHour.Count)),
        new("send", "submit_retries", ConfigValueType.Int, "3", "1", "10", ["How often Enter is retried when typed text was not submitted."], c => N(c.SubmitRetries)),
        new("store", "url", ConfigValueType.Text, "\"\"", null, null, ["The shared store: postgres://USER@HOST[:PORT]/DATABASE (docs/storage.md); empty: .baton/baton.db.", "BATON_STORE_URL overrides it; the password comes from BATON_STORE_PASSWORD, PGPASSWORD or ~/.pgpass."], c => Q(c.StoreUrl ?? "")),
        new("store", "busy_timeout", ConfigValueType.Duration, "10s", "1s", "10m", ["How long a command waits for another process's write lock on .baton/baton.db before it fails", "with \"the store is busy\" (1s to 10m)."], c => D(c.StoreBusyTimeout)),
        new("nodes", "lease_ttl", ConfigValueType.Duration, "60s", "1s", "1h", ["`baton node`: a ticket's lease not renewed this long is released and the ticket re-queued (docs/nodes.md)."], c => D(c.Nodes.LeaseTtl)),
        new("nodes", "heartbeat", ConfigValueType.Duration, "0s", "0s", "1h", ["How often a node renews its leases; 0s: a third of lease_ttl."], c => D(c.Nodes.Heartbeat)),
        new("nodes", "remote", ConfigValueType.Text, "\"\"", null, null, ["The git remote every node's clone shares: ticket branches pushed at each commit, the target after each", "landing; empty: origin on the shared store, none on .baton/baton.db; none: one repository for all nodes."], c => Q(c.Nodes.Remote ?? "")),
        new("autopilot", "max_workers", ConfigValueType.Int, "4", "1", "200", ["Most live workers `baton up` runs at once (1 to 200)."], c => N(c.Autopilot.MaxWorkers)),
        new("autopilot", "spawns_per_minute", ConfigValueType.Int, "12", "1", "600", ["Spawn rate limit: a token bucket of this many spawns a minute, at most `spawn_burst` at once."], c => N(c.Autopilot.SpawnsPerMinute)),
        new("autopilot", "spawn_burst", ConfigValueType.Int, "4", "1", "200", [], c => N(c.Autopilot.SpawnBurst)),
        new("autopilot", "tick", ConfigValueType.Duration, "2s", "100ms", "1m", ["Pause between two ticks of the loop (100ms to 1m)."], c => D(c.Autopilot.Tick)),
        new("autopilot", "default_role", ConfigValueType.Text, "worker", null, null, ["Role of tickets that name none (see `baton role list`)."], c => c.Autopilot.DefaultRole),
        new("autopilot", "base_branch", ConfigValueType.Text, "\"\"", null, null, ["Branch work starts from when its ticket's feature has no branch; empty: the branch checked out at the root."], c => Q(c.Autopilot.BaseBranch ?? "")),
        new("autopilot", "branch_pattern", ConfigValueType.Text, "\"baton/{ticket}-{slug}-{time}\"", null, null, ["Branch of a dispatched ticket: {ticket}, {slug} and {time} (UTC yyyyMMddHHmmss)."], c => Q(c.Autopilot.BranchPattern)),
        new("autopilot", "headless", ConfigValueType.Bool, "false", null, null, ["Run agents headless instead of in tmux sessions."], c => B(c.Autopilot.Headless)),
        new("autopilot", "stall_after", ConfigValueType.Duration, "10m", "1s", "24h", ["A busy agent that shows no progress this long is nudged (1s to 24h)..."], c => D(c.Autopilot.StallAfter)),
        new("autopilot", "max_nudges", ConfigValueType.Int, "2", "0", "20", ["...at most this many times, then restarted on the same worktree or failed (on_stall: restart | fail)."], c => N(c.Autopilot.MaxNudges)),
        new("autopilot", "on_stall", ConfigValueType.Choice, "restart", "restart", "fail", [], c => c.Autopilot.OnStall == StallPolicy.Fail ? "fail" : "restart"),
        new("autopilot", "idle_after", ConfigValueType.Duration, "2m", "1s", "24h", ["An agent idle this long without reporting completion is asked for its status."], c => D(c.Autopilot.IdleAfter)),
        new("autopilot", "retry_attempts", ConfigValueType.Int, "3", "0", "20", ["A crashed or lost agent is retried this often, after min(retry_base * 2^(n-1), retry_max)."], c => N(c.Autopilot.RetryAttempts)),
        new("autopilot", "retry_base", ConfigValueType.Duration, "10s", "0s", "1h", [], c => D(c.Autopilot.RetryBase)),
        new("autopilot", "retry_max", ConfigValueType.Duration, "5m", "0s", "24h", [], c => D(c.Autopilot.RetryMax)),
        new("autopilot", "status_files", ConfigValueType.Bool, "true", null, null, ["Regenerate ORCHESTRATION_STATUS.md and .baton/features/<feature>/tasks.md on change."], c => B(c.Autopilot.StatusFiles)),
        new("autopilot", "keep_exited", ConfigValueType.Bool, "false", null, null, ["Keep the exited sessions of finished tickets when `baton up` ends (`baton capture` still shows them); false removes them."], c => B(c.Autopilot.KeepExited)),
        new("autopilot", "hold_on_overlap", ConfigValueType.Bool, "false", null, null, ["Hold a ready ticket whose --paths overlap files that live branches already change, until they merge."], c => B(c.Autopilot.HoldOnOverlap)),
        new("autopilot", "stack_dependents", ConfigValueType.Bool, "false", null, null, ["A ticket whose one unfinished dependency passed its gate (waiting to merge) starts on a branch made", "from that dependency's; once it merged, the ticket is rebased onto the target, and it lands after it."], c => B(c.Autopilot.StackDependents)),
        new("autopilot", "reuse_agents", ConfigValueType.Bool, "false", null, null, ["A finished ticket's agent whose profile has `reset` stays until its ticket landed, then takes the next", "ready ticket of the same role and profile after a reset, in its own folder checked out afresh."], c => B(c.Autopilot.ReuseAgents)),
        new("autopilot", "warm_pool", ConfigValueType.Int, "0", "0", "50", ["Idle agents kept started ahead of demand for each role and profile that waiting tickets need (0 to 50; 0: none):", "the next such ticket goes to one of them instead of a fresh agent (docs/configuration.md, \"Warm pool\")."], c => N(c.Autopilot.WarmPool)),
        new("conflicts", "enabled", ConfigValueType.Bool, "true", null, null, ["Predict merge conflicts between live branches while `baton up` runs."], c => B(c.Autopilot.ConflictChecks)),
        new("conflicts", "debounce", ConfigValueType.Duration, "5s", "0s", "10m", ["Look again this long after the last new commit on a live branch (0s to 10m)."], c => D(c.Autopilot.ConflictDebounce)),
        new("conflicts", "notify", ConfigValueType.Bool, "true", null, null, ["Tell the agents whose branches are involved which files collide with whom."], c => B(c.Autopilot.ConflictNotify)),
        new("gate", "commands", ConfigValueType.List, "[]", null, null, ["Commands run in the worktree when an agent reports done, e.g. [\"dotnet test\", \"npm run lint\"]."], c => L(c.Autopilot.GateCommands.Count)),
        new("gate", "timeout", ConfigValueType.Duration, "10m", "1s", "24h", [], c => D(c.Autopilot.GateTimeout)),
        new("gate", "retries", ConfigValueType.Int, "2", "0", "20", ["How often a failed gate goes back to the agent before the ticket fails."], c => N(c.Autopilot.GateRetries)),
        new("gate", "roles", ConfigValueType.Lists, "{}", null, null, ["Gate commands of one role instead of `commands`, e.g. {implementor: [\"make unit\", \"make lint\"], overseer: [\"make integration\"]}", "(overseer: the gate of a feature's integration branch merging into its base)."], c => M(c.Autopilot.GateRoles.Count)),
        new("merge", "auto", ConfigValueType.Bool, "true", null, null, ["Merge branches that passed the gate into their target branch; false leaves them in review."], c => B(c.Autopilot.AutoMerge)),
        new("merge", "strategy", ConfigValueType.Choice, "merge", "merge", "rebase", ["merge: a merge commit on the target; rebase: the branch's commits replayed onto the target (linear history)."], c => c.Autopilot.MergeStrategy == MergeStrategy.Rebase ? "rebase" : "merge"),
        new("merge", "prepare_ahead", ConfigValueType.Int, "2", "0", "8", ["While one branch lands, merge and gate this many next in the queue onto the commit it will produce (0 to 8; 0: none);", "a prepared result is used only if the target is then exactly there, else it is merged and gated again."], c => N(c.Autopilot.MergePrepareAhead)),
        new("merge", "mode", ConfigValueType.Choice, "local", "local", "pull_request", ["local: Baton's merge queue merges into the target; pull_request: the branch is pushed and a", "GitHub pull request opened and followed (merged -> done; closed unmerged -> failed)."], c => c.Autopilot.MergeMode == MergeMode.PullRequest ? "pull_request" : "local"),
        new("github", "api_url", ConfigValueType.Text, "\"\"", null, null, ["REST API; empty: api.github.com, or https://HOST/api/v3 when the remote is on a GitHub Enterprise host."], c => Q(c.GitHub.ApiUrl ?? "")),
        new("github", "repository", ConfigValueType.Text, "\"\"", null, null, ["OWNER/NAME; empty: read from the remote's URL. The token comes from GITHUB_TOKEN, GH_TOKEN or `gh auth token`."], c => Q(c.GitHub.Repository ?? "")),
        new("github", "remote", ConfigValueType.Text, "origin", null, null, ["The remote branches are pushed to."], c => c.GitHub.Remote),
        new("github", "poll_interval", ConfigValueType.Duration, "60s", "1s", "1h", ["How often `baton up` asks GitHub about open pull requests (1s to 1h)."], c => D(c.GitHub.PollInterval)),
        new("github", "poll", ConfigValueType.Bool, "false", null, null, ["`baton up` imports issues carrying import_labels and follows open pull requests every poll_interval, off the loop", "thread (a slow or rate-limited GitHub never holds a tick)."], c => B(c.GitHub.Poll)),
        new("github", "import_labels", ConfigValueType.List, "[]", null, null, ["Issues carrying all of these labels are imported by that poll, e.g. [claude-ready]; empty: none are."], c => L(c.GitHub.ImportLabels.Count)),
        new("github", "exclude_labels", ConfigValueType.List, "[]", null, null, ["Issues carrying any of these labels are not imported by that poll, e.g. [blocked]."], c => L(c.GitHub.ExcludeLabels.Count)),
        new("github", "close_issues", ConfigValueType.Bool, "false", null, null, ["Close an imported issue (after its closing comment) once its ticket is done."], c => B(c.GitHub.CloseIssues)),
        new("github", "in_progress_label", ConfigValueType.Text, "claude-in-progress", null, null, ["Labels an imported issue carries while its ticket is worked on, and when it is blocked or failed."], c => c.GitHub.InProgressLabel),
        new("github", "blocked_label", ConfigValueType.Text, "claude-blocked", null, null, [], c => c.GitHub.BlockedLabel),
        new("handoff", "at", ConfigValueType.Int, "60", "1", "100", ["Context fill (percent of the model's effective window) at which `baton up` asks the agent for its handoff", "section and hands its ticket to a fresh agent in the same worktree."], c => N(c.Handoff.At)),
        new("handoff", "force", ConfigValueType.Int, "80", "1", "100", ["Fill at which the handoff happens at once, the packet built from Baton's own record (below the CLI's own compaction)."], c => N(c.Handoff.Force)),
        new("handoff", "ask_timeout", ConfigValueType.Duration, "2m", "1s", "1h", ["How long an asked agent has to write its section before the forced path (1s to 1h)."], c => D(c.Handoff.AskTimeout)),
        new("handoff", "windows", ConfigValueType.Map, "{}", "1000", "100000000", ["Effective context windows in tokens by model or profile name, e.g. {claude-opus-4: 180000}; they win over the built-in rules."], c => M(c.Handoff.Windows.Count)),
        new("workspace", "cleanup_after", ConfigValueType.Duration, "24h", "1s", "8760h", ["Age past which `baton gc` and `baton up` remove failed and cancelled tickets' worktrees (uncommitted work saved", "first), merged or closed branches, ended agents' sessions and logs (1s to 8760h)."], c => D(c.CleanupAfter)),
        new("workspace", "cleanup_every", ConfigValueType.Duration, "1h", "0s", "168h", ["How often `baton up` runs that clean-up (0s: never; 0s to 168h)."], c => D(c.CleanupEvery)),
        new("workspace", "base_dir", ConfigValueType.Text, "\"\"", null, null, ["Folder the worktrees are made in (another disk, say), relative to the repository; empty: .baton/worktrees.", "Give each repository its own; not inside .git."], c => Q(c.WorktreeBaseDir ?? "")),
        new("ci", "install", ConfigValueType.Text, "\"\"", null, null, ["How a CI runner gets `baton` (a shell command); with it `baton ci generate` adds a conflicts job."], c => Q(c.CiInstall ?? "")),
        new("budgets", "soft_percent", ConfigValueType.Int, "80", "1", "100", ["Percent of a budget (`baton budget set`) at which a person is told, once per budget and period, when the budget names none."], c => N(c.Budgets.SoftPercent)),
        new("budgets", "window_hold", ConfigValueType.Int, "90", "0", "100", ["A profile whose agent reports a subscription window (five-hour, weekly) this full takes no new launch until it resets; 0: never."], c => N(c.Budgets.WindowHold)),
        new("budgets", "requests_per_minute", ConfigValueType.Map, "{}", "1", "1000000", ["Per-profile token buckets of a minute: launches and reported turns per minute, e.g. {claude: 50}, ..."], c => M(c.Budgets.RequestsPerMinute.Count)),
        new("budgets", "tokens_per_minute", ConfigValueType.Map, "{}", "1", "1000000000", ["... and reported tokens per minute, e.g. {claude: 400000}; an empty bucket holds new launches until it refills."], c => M(c.Budgets.TokensPerMinute.Count)),
    ];

    /// <summary>The key at <paramref name="path"/> (<c>section.name</c>).</summary>
    public static ConfigKey Key(string path) =>
        Keys.FirstOrDefault(k => k.Path == path) ?? throw new InvalidOperationException($"no config key {path} in ConfigSchema");

    /// <summary>The config.yaml `baton init` writes: every key at its default under its description.</summary>
    public static string Template()
    {
        var text = new System.Text.StringBuilder(Header).Append('\n');
        string? section = null;
        foreach (var key in Keys)
        {
            if (key.Section != section)
            {
                section = key.Section;
                text.Append(section).Append(":\n");
            }

            foreach (var line in key.Description)
            {
                text.Append("  # ").Append(line).Append('\n');
            }

            text.Append("  ").Append(key.Name).Append(": ").Append(key.Default).Append('\n');
        }

        return text.ToString();
    }

    private static string Q(string text) => "\"" + text + "\"";

    private static string N(long n) => n.ToString(CultureInfo.InvariantCulture);

    private static string B(bool b) => b ? "true" : "false";

    private static string D(TimeSpan t) => Durations.Format(t);

    private static string M(int count) => count == 0 ? "{}" : "{...}";

    private static string L(int count) => count == 0 ? "[]" : "[...]";
}
