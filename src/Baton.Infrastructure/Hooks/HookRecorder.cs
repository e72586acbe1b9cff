using System.Text.Json;
using Baton.Core.Config;
using Baton.Core.Monitoring;
using Baton.Core.Processes;
using Baton.Core.Usage;
using Baton.Core.Workers;
using Baton.Infrastructure.Processes;
using Baton.Infrastructure.Workers;

namespace Baton.Infrastructure.Hooks;

/// <summary>
/// `baton hook EVENT` (and the small `baton-hook EVENT` binary): what an agent's hooks run (Claude Code: SessionStart, UserPromptSubmit,
/// PreToolUse, PostToolUse, Notification, Stop, ...), with the hook's JSON on stdin. It runs on
/// every tool call, so it skips the command-line parser and the store: it appends one line to the
/// worker's spool file and exits. It never makes the agent fail: any error is logged, exit 0.
/// For a role with commit_before_stop, a Stop with uncommitted changes is answered with Claude
/// Code's blocking response, so the agent commits before it goes idle.
/// </summary>
public static class HookRecorder
{
    /// <summary><paramref name="args"/>: anything, then the event name as the last argument.</summary>
    public static int Run(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var db = Environment.GetEnvironmentVariable("BATON_DB");
        var worker = Environment.GetEnvironmentVariable("BATON_WORKER");
        if (string.IsNullOrEmpty(db) || !WorkerName.IsValid(worker))
        {
            return 0; // not a Baton worker: nothing to report to
        }

        BatonPaths? paths = null;
        try
        {
            paths = BatonPaths.ForDatabase(db);
            var hookEvent = args.Length > 0 ? args[^1] : "";
            if (hookEvent == ClaudeStatusLine.Event)
            {
                StatusLine(paths, worker!);
                return 0;
            }

            // Codex's `notify` program gets its JSON as the last argument, not on stdin.
            var notify = hookEvent.StartsWith('{');
            var payload = notify ? hookEvent : Console.IsInputRedirected ? Console.In.ReadToEnd() : "";
            string? notification = null, tool = null, cwd = null, transcript = null, about = null;
            var stopActive = false;
            if (payload.Length > 0)
            {
                using var doc = JsonDocument.Parse(payload);
                var root = doc.RootElement;
                hookEvent = notify ? Text(root, "type") ?? "notify" : hookEvent;
                notification = notify && TitleTurn(root) ? "title" : Text(root, "notification_type");
                tool = Text(root, "tool_name");
                // Gemini CLI's Notification names no tool; its message and details tell one
                // question from the next (the supervisor answers each question once).
                about = Text(root, "message") is { } said && root.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.Object
                    ? $"{said}: {Text(details, "command") ?? Text(details, "filePath") ?? Text(details, "title") ?? ""}".TrimEnd(' ', ':')
                    : null;
                cwd = Text(root, "cwd");
                // Codex's notify names its thread; its usage is in the thread's rollout file.
                transcript = notify ? (notification == "title" ? null : CodexRollouts.Find(Text(root, "thread-id"))) : Text(root, "transcript_path");
                stopActive = root.TryGetProperty("stop_hook_active", out var sa) && sa.ValueKind == JsonValueKind.True;
            }

            // The TUI's title request ends its own "turn" while the user's turn runs: not a state.
            var state = notification == "title" ? null : HookStates.Map(hookEvent, notification);
            // At the end of a turn (or session) the transcript holds every message of it: its size
            // now bounds what the monitor counts (one stat; the reading happens in the monitor).
            // A Codex rollout's lines are whole records, and its writer may still be behind the
            // notify: the monitor reads it to its end.
            long? transcriptEnd = transcript is null ? null
                : notify ? long.MaxValue
                : hookEvent is "Stop" or "SessionEnd" && File.Exists(transcript) ? new FileInfo(transcript).Length : null;
            new HookSpool(paths).Append(worker!, DateTimeOffset.UtcNow, hookEvent, state, tool ?? (about is null ? notification : $"{notification}: {Short(about)}") ?? "", transcript, transcriptEnd);

            if (hookEvent == "Stop" && !stopActive && Environment.GetEnvironmentVariable("BATON_COMMIT_BEFORE_STOP") == "1")
            {
                var dirty = Uncommitted(cwd ?? Directory.GetCurrentDirectory());
                if (dirty.Length > 0)
                {
                    Console.Out.Write(BlockJson(
                        "Baton: your role requires committing before you stop, and the working tree has uncommitted changes:\n" + dirty +
                        "\nCommit them (git add ... && git commit -m \"T-n: ...\") or revert what should not be kept, then finish."));
                }
            }
        }
        catch (Exception e)
        {
            // Whatever happened, the agent must not fail because of Baton.
            try
            {
                if (paths is not null)
                {
                    Directory.CreateDirectory(paths.LogsDir);
                    File.AppendAllText(Path.Combine(paths.LogsDir, "hook-errors.log"), $"{DateTimeOffset.UtcNow:O} {worker} {string.Join(' ', args)}: {e.GetType().Name}: {e.Message}\n");
                }
            }
#pragma warning disable CA1031 // the hook must never fail the agent, not even when logging fails
            catch
#pragma warning restore CA1031
            {
            }
        }

        return 0;
    }

    /// <summary>
    /// Claude Code's statusLine command: its JSON on stdin, a line for the TUI's footer on stdout.
    /// It runs on every update of the TUI (several times a turn), so a reading is spooled only when
    /// it differs from the last one spooled (kept beside the spool in WORKER.status).
    /// </summary>
    private static void StatusLine(BatonPaths paths, string worker)
    {
        var payload = Console.IsInputRedirected ? Console.In.ReadToEnd() : "";
        var now = DateTimeOffset.UtcNow;
        var reading = payload.Length > 0 ? ClaudeStatusLine.Parse(payload, now) : null;
        Console.Out.Write(ClaudeStatusLine.Render(worker, reading) + "\n");
        if (reading is null || reading.IsEmpty)
        {
            return;
        }

        var spool = new HookSpool(paths);
        var last = Path.ChangeExtension(spool.FileOf(worker), ".status");
        var key = Key(reading);
        if (File.Exists(last) && File.ReadAllText(last) == key)
        {
            return;
        }

        spool.Append(worker, now, ClaudeStatusLine.Event, null, "", status: reading);
        File.WriteAllText(last, key);
    }

    private static string Key(StatusLineReading r) => string.Join('|',
        r.Context?.Tokens, r.Context?.Window, r.Context?.Model, r.SessionCostUsd?.ToString(System.Globalization.CultureInfo.InvariantCulture),
        r.RateLimits?.FiveHour?.UsedPercent.ToString(System.Globalization.CultureInfo.InvariantCulture), r.RateLimits?.FiveHour?.ResetsAt?.ToUnixTimeSeconds(),
        r.RateLimits?.SevenDay?.UsedPercent.ToString(System.Globalization.CultureInfo.InvariantCulture), r.RateLimits?.SevenDay?.ResetsAt?.ToUnixTimeSeconds());

    /// <summary>Codex 0.169.0's TUI names each new thread by a side turn whose only input asks for a title.</summary>
    private static bool TitleTurn(JsonElement root) =>
        root.TryGetProperty("input-messages", out var inputs) && inputs.ValueKind == JsonValueKind.Array && inputs.GetArrayLength() > 0
        && inputs[0].ValueKind == JsonValueKind.String
        && inputs[0].GetString()!.StartsWith("Generate a concise, single-line task title", StringComparison.Ordinal);

    private static string? Text(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string Uncommitted(string directory)
    {
        // The synchronous form: this is the hot path, it must not start the async I/O machinery.
        // Bounded: a Stop hook that hangs would hang the agent; a timeout is logged, the stop goes on.
        var result = new ProcessRunner().Run(
            new ProcessRequest("git", ["-C", directory, "status", "--porcelain", "--untracked-files=normal"]) { Timeout = TimeSpan.FromSeconds(20) });
        return result.ExitCode == 0 ? result.StandardOutput.TrimEnd() : "";
    }

    private static string BlockJson(string reason)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("decision", "block");
            w.WriteString("reason", reason);
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static string Short(string text) => text.Length <= 120 ? text : text[..119] + "…";
}
