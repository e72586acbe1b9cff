using System.Text.Json.Nodes;
using Baton.Core.Processes;

namespace Baton.Core.Roles;

/// <summary>
/// A Gemini CLI settings file that holds only hooks reporting the worker's state to Baton
/// (`baton hook EVENT`). Gemini CLI reads it as its system settings (GEMINI_CLI_SYSTEM_SETTINGS_PATH)
/// and concatenates hook lists across settings files, so the user's own hooks still run.
/// Permissions stay with Gemini CLI's approval dialogs: its settings have no rule syntax like
/// Claude Code's allow/deny lists.
/// </summary>
public static class GeminiSettings
{
    /// <summary>The Gemini CLI 0.61.0 hook events Baton listens to (tool events take a matcher).</summary>
    public static readonly IReadOnlyList<string> HookEvents =
        ["SessionStart", "BeforeAgent", "BeforeTool", "AfterTool", "Notification", "AfterAgent", "SessionEnd"];

    public static string Render(IReadOnlyList<string> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        var command = string.Join(' ', hook.Select(Shell.Quote));
        var hooks = new JsonObject();
        foreach (var e in HookEvents)
        {
            var entry = new JsonObject
            {
                // Gemini CLI's timeout is in milliseconds; the hook prints nothing, which it accepts.
                ["hooks"] = new JsonArray(new JsonObject { ["type"] = "command", ["command"] = $"{command} {e}", ["name"] = "baton-" + e, ["timeout"] = 10_000 }),
            };
            if (e is "BeforeTool" or "AfterTool")
            {
                entry["matcher"] = "*";
            }

            hooks[e] = new JsonArray(entry);
        }

        // Without this the TUI shows an "Executing Hooks: baton-..." line at every step.
        var settings = new JsonObject { ["hooksConfig"] = new JsonObject { ["notifications"] = false }, ["hooks"] = hooks };
        using var buffer = new MemoryStream();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer, new System.Text.Json.JsonWriterOptions { Indented = true }))
        {
            settings.WriteTo(writer);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }
}
