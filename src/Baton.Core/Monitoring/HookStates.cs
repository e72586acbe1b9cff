using Baton.Core.Workers;

namespace Baton.Core.Monitoring;

/// <summary>One agent hook call as `baton hook` spools it.</summary>
public sealed record HookRecord(DateTimeOffset Time, string Event, WorkerState? State, string Detail)
{
    /// <summary>The transcript file the hook named (Claude Code's Stop, SessionEnd; Codex's thread rollout), whose usage Baton counts up to <see cref="TranscriptEnd"/>.</summary>
    public string? Transcript { get; init; }

    /// <summary>
    /// The transcript's size when the hook ran: at a Stop the turn's messages are normally written,
    /// so no message is cut (one written late is counted once the agent is idle: WorkerMonitor.CatchUp). A Codex rollout's lines are whole records each, and its writer may run behind
    /// the notify: long.MaxValue, read to its end.
    /// </summary>
    public long? TranscriptEnd { get; init; }

    /// <summary>What Claude Code's status line reported (event <see cref="Usage.ClaudeStatusLine.Event"/>): context fill, session cost, subscription windows.</summary>
    public Usage.StatusLineReading? Status { get; init; }
}

/// <summary>What each Claude Code, Codex and Gemini CLI hook event says about the agent's state.</summary>
public static class HookStates
{
    /// <summary>The event of Codex's notify payload at each turn's end.</summary>
    public const string CodexTurnComplete = "agent-turn-complete";

    public static WorkerState? Map(string hookEvent, string? notificationType) => hookEvent switch
    {
        "PreToolUse" or "PostToolUse" or "UserPromptSubmit" => WorkerState.Busy,
        "Stop" or "SubagentStop" => WorkerState.Idle,
        "SessionStart" => WorkerState.Idle,
        // Codex's `notify` program gets {"type": "agent-turn-complete", ...}: the turn is over.
        CodexTurnComplete => WorkerState.Idle,
        "PermissionRequest" => WorkerState.Waiting,
        // Gemini CLI: BeforeAgent (the prompt is in), BeforeTool / AfterTool around each tool (the
        // approval box opens after BeforeTool), AfterAgent at the end of a turn (none after Esc).
        "BeforeAgent" or "BeforeTool" or "AfterTool" => WorkerState.Busy,
        "AfterAgent" => WorkerState.Idle,
        "Notification" => notificationType switch
        {
            "permission_prompt" => WorkerState.Waiting,
            // Gemini CLI's Notification as its approval box opens.
            "ToolPermission" => WorkerState.Waiting,
            "idle_prompt" => WorkerState.Idle,
            _ => null,
        },
        _ => null,
    };
}

/// <summary>Where `baton hook` leaves its records for the monitor to take in (a file per worker).</summary>
public interface IHookSpool
{
    /// <summary>Complete records written after byte <paramref name="offset"/>, and the offset after them.</summary>
    (IReadOnlyList<HookRecord> Records, long Offset) Read(string worker, long offset);

    /// <summary>
    /// The complete lines of an agent's transcript between byte <paramref name="offset"/> and
    /// <paramref name="end"/>, and the offset after the last one; none when the file is gone.
    /// </summary>
    (IReadOnlyList<string> Lines, long Offset) ReadTranscript(string path, long offset, long end);
}
