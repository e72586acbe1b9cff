namespace Baton.Core.Events;

public static class EventTypes
{
    public const string WorkerSpawned = "worker_spawned";
    public const string WorkerReused = "worker_reused";
    public const string WorkerPooled = "worker_pooled";
    public const string WorkerUnpooled = "worker_unpooled";
    public const string WorkerStartupAnswered = "worker_startup_answered";
    public const string WorkerReady = "worker_ready";
    public const string WorkerPromptSent = "worker_prompt_sent";
    public const string WorkerMessageSent = "worker_message_sent";
    public const string WorkerStateChanged = "worker_state_changed";
    public const string WorkerExitRequested = "worker_exit_requested";
    public const string WorkerExited = "worker_exited";
    public const string WorkerKilled = "worker_killed";
    public const string WorkerLost = "worker_lost";
    public const string WorkerSpawnFailed = "worker_spawn_failed";
    public const string WorkerHook = "worker_hook";
    public const string SandboxNetRefused = "sandbox_net_refused";

    public const string TicketCreated = "ticket_created";
    public const string TicketUpdated = "ticket_updated";
    public const string TaskStarted = "task_started";
    public const string TaskCompleted = "task_completed";
    public const string TaskBlocked = "task_blocked";
    public const string TaskFailed = "task_failed";
    public const string StatusUpdate = "status_update";
    public const string FeatureAdded = "feature_added";
    public const string FeatureBranchesCreated = "feature_branches_created";
    public const string FeatureMerged = "feature_merged";
    public const string InboxImported = "inbox_imported";
    public const string InboxRejected = "inbox_rejected";
    public const string PrOpened = "pr_opened";
    /// <summary>A GitHub pull request merged (merge.mode: pull_request). Stores from before 2026-12 also have it for local merges.</summary>
    public const string PrMerged = "pr_merged";

    /// <summary>A branch landed by Baton's own merge queue (a ticket's, or a feature's integration branch).</summary>
    public const string Merged = "merged";

    /// <summary>`baton emergency-stop`: the loop and every agent stopped at once, work snapshotted.</summary>
    public const string EmergencyStop = "emergency_stop";
    public const string ConflictDetected = "conflict_detected";
    public const string AutopilotStarted = "autopilot_started";
    public const string AutopilotStopped = "autopilot_stopped";
    public const string AutopilotError = "autopilot_error";
    public const string TaskDispatched = "task_dispatched";
    public const string TaskHeld = "task_held";
    public const string TaskRestacked = "task_restacked";
    public const string TaskRetryScheduled = "task_retry_scheduled";
    public const string TaskRequeued = "task_requeued";

    /// <summary>A node's lease on a ticket was not renewed within lease_ttl: the ticket went back to the queue.</summary>
    public const string LeaseExpired = "lease_expired";

    /// <summary>A node found that a lease it held is gone (expired, or a newer one taken) and stopped acting on the ticket.</summary>
    public const string LeaseLost = "lease_lost";

    /// <summary>A node pushed a ticket's branch to the shared remote (nodes.remote), so another node can resume it.</summary>
    public const string BranchPushed = "branch_pushed";

    /// <summary>A push to the shared remote failed or was refused; it is tried again with backoff.</summary>
    public const string PushFailed = "push_failed";

    public const string NodeStarted = "node_started";
    public const string NodeStopped = "node_stopped";

    /// <summary>A node that lost its store reached it again (written once back; the message says how long it was away).</summary>
    public const string NodeReconnected = "node_reconnected";

    /// <summary>A node that found the store busy (its write lock held elsewhere past store.busy_timeout) could write again; the message says how long.</summary>
    public const string NodeResumed = "node_resumed";
    public const string TaskReportedDone = "task_reported_done";
    public const string TaskTimeLimit = "task_time_limit";
    public const string WorkerNudged = "worker_nudged";
    public const string WorkerStatusAsked = "worker_status_asked";
    public const string WorkerRestarted = "worker_restarted";
    public const string PermissionApproved = "permission_approved";
    public const string WorkerPaused = "worker_paused";
    public const string WorkerResumed = "worker_resumed";
    public const string GateStarted = "gate_started";
    public const string GatePassed = "gate_passed";
    public const string GateFailed = "gate_failed";
    public const string MergeQueued = "merge_queued";
    public const string MergeFailed = "merge_failed";
    public const string WipSnapshot = "wip_snapshot";
    public const string WorktreeRemoved = "worktree_removed";
    public const string WorkspaceCleaned = "workspace_cleaned";

    // What a headless agent's event stream said (headless-run parses stream-json / exec --json).
    public const string AgentStarted = "agent_started";
    public const string AgentToolUse = "agent_tool_use";
    public const string AgentToolError = "agent_tool_error";
    public const string AgentRetry = "agent_retry";
    public const string AgentHook = "agent_hook";
    public const string AgentResult = "agent_result";
    public const string AgentError = "agent_error";
    public const string AgentWarning = "agent_warning";
    public const string AgentRateLimited = "agent_rate_limited";

    /// <summary>Tokens a worker used since the last one; metadata agent and tokens feed agents.tokens_per_hour.</summary>
    public const string WorkerUsage = "worker_usage";

    /// <summary>Something a human should look at: a question no policy answers, a ticket that failed for good.</summary>
    public const string Notification = "notification";
    public const string Handoff = "handoff";
    public const string HandoffAsked = "handoff_asked";
    public const string ConflictResolved = "conflict_resolved";

    public const string GitHubImported = "github_imported";
    public const string GitHubIssueSynced = "github_issue_synced";

    // `baton up` talking to GitHub (github.poll, pull requests): a streak of failures is recorded once, and its end.
    public const string GitHubRateLimited = "github_rate_limited";
    public const string GitHubUnavailable = "github_unavailable";
    public const string GitHubAvailable = "github_available";

    /// <summary>A reviewer asked for changes on a ticket's pull request; the review went back to its agent.</summary>
    public const string PrChangesRequested = "pr_changes_requested";
    public const string PrApproved = "pr_approved";
    public const string PrClosed = "pr_closed";

    // baton plan: a plan filed, checked without filing (--dry-run), rejected after its repair round, or not obtained.
    public const string PlanFiled = "plan_filed";
    public const string PlanChecked = "plan_checked";
    public const string PlanRejected = "plan_rejected";
    public const string PlanFailed = "plan_failed";

    /// <summary>A synthesis report of finished tickets stored (baton synthesize).</summary>
    public const string SynthesisWritten = "synthesis_written";

    /// <summary>A feature's RESULT.md written when its last ticket landed.</summary>
    public const string FeatureResultWritten = "feature_result_written";

    /// <summary>One MCP tool call (`baton mcp`): tool, caller, outcome; arguments redacted.</summary>
    public const string McpCall = "mcp_call";

    /// <summary>A person's answer to an agent's ask_human question (`baton inbox answer N`); metadata question = N.</summary>
    public const string HumanAnswered = "human_answered";

    /// <summary>Subtickets an agent proposed (MCP propose_subtickets), kept for a person or the prophet to accept; not filed.</summary>
    public const string SubticketsProposed = "subtickets_proposed";
    // Budgets (`baton budget`): set and cleared; a crossing is a notification (kind budget_crossed or budget_exceeded).
    public const string BudgetSet = "budget_set";
    public const string BudgetCleared = "budget_cleared";

    /// <summary>A subscription window an agent reported (metadata agent, window, used_percent, resets_at): what budgets.window_hold reads.</summary>
    public const string UsageWindow = "usage_window";
}
