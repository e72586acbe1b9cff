using System.Text;
using System.Text.Json;
using Baton.Core.Processes;
using Baton.Infrastructure.Processes;

namespace Baton.Cli.Scripted;

/// <summary>
/// The hooks of a Claude Code settings file (`--settings FILE`, as `baton role settings` writes it),
/// run by the scripted agent at the same moments Claude Code runs them: SessionStart when it is
/// ready (and after /clear), UserPromptSubmit when a task starts, Notification (permission_prompt)
/// when it asks, PostToolUse once answered, Stop when the task is over. Each command gets the
/// event's JSON on stdin through `sh -c` and is waited for, as Claude Code waits for its hooks; a
/// Stop hook that answers {"decision":"block","reason":...} makes the agent go on with the reason
/// as its next message. So a profile that passes the settings file makes the scripted agent report
/// its state through `baton hook` like Claude Code does (docs/scripted-agent.md).
/// </summary>
internal sealed class ScriptedHooks
{
    private readonly Dictionary<string, List<(string Command, TimeSpan Timeout)>> _hooks = new(StringComparer.Ordinal);
    private readonly IProcessRunner _runner;
    private readonly string _session = Guid.NewGuid().ToString("D");

    private ScriptedHooks(IProcessRunner runner)
    {
        _runner = runner;
    }

    /// <summary>No file: no hooks (the scripted agent reports nothing, Baton reads its screen).</summary>
    public static ScriptedHooks Load(string? settingsFile, IProcessRunner? runner = null)
    {
        var hooks = new ScriptedHooks(runner ?? new ProcessRunner());
        if (settingsFile is null || !File.Exists(settingsFile))
        {
            return hooks;
        }

        using var doc = JsonDocument.Parse(File.ReadAllText(settingsFile));
        if (!doc.RootElement.TryGetProperty("hooks", out var all) || all.ValueKind != JsonValueKind.Object)
        {
            return hooks;
        }

        foreach (var e in all.EnumerateObject().Where(e => e.Value.ValueKind == JsonValueKind.Array))
        {
            var list = new List<(string, TimeSpan)>();
            foreach (var entry in e.Value.EnumerateArray())
            {
                if (!entry.TryGetProperty("hooks", out var inner) || inner.ValueKind != JsonValueKind.Array)
                {
                    continue;
                }

                foreach (var h in inner.EnumerateArray())
                {
                    if (h.TryGetProperty("type", out var type) && type.GetString() == "command" && h.TryGetProperty("command", out var command) && command.GetString() is { Length: > 0 } text)
                    {
                        var seconds = h.TryGetProperty("timeout", out var t) && t.TryGetDouble(out var s) ? s : 60;
                        list.Add((text, TimeSpan.FromSeconds(seconds)));
                    }
                }
            }

            hooks._hooks[e.Name] = list;
        }

        return hooks;
    }

    public bool Any => _hooks.Count > 0;

    /// <summary>
    /// Runs the event's hooks, waits for them, and returns the reason of a Stop hook that blocked
    /// the stop (null: none did).
    /// </summary>
    public async Task<string?> FireAsync(string hookEvent, IReadOnlyDictionary<string, object>? fields = null)
    {
        if (!_hooks.TryGetValue(hookEvent, out var commands) || commands.Count == 0)
        {
            return null;
        }

        var input = Payload(hookEvent, fields);
        string? blocked = null;
        foreach (var (command, timeout) in commands)
        {
            try
            {
                var result = await _runner.RunAsync(new ProcessRequest("sh", ["-c", command]) { StandardInput = input, Timeout = timeout }, CancellationToken.None).ConfigureAwait(false);
                blocked ??= Blocked(result.StandardOutput);
            }
            catch (Exception e) when (e is ProcessStartFailedException or ProcessTimedOutException or OperationCanceledException or IOException)
            {
                // A failing hook does not stop Claude Code's turn either.
            }
        }

        return blocked;
    }

    private string Payload(string hookEvent, IReadOnlyDictionary<string, object>? fields)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("session_id", _session);
            w.WriteString("cwd", Directory.GetCurrentDirectory());
            w.WriteString("hook_event_name", hookEvent);
            foreach (var (key, value) in fields ?? new Dictionary<string, object>())
            {
                if (value is bool b)
                {
                    w.WriteBoolean(key, b);
                }
                else
                {
                    w.WriteString(key, value.ToString());
                }
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string? Blocked(string output)
    {
        if (!output.TrimStart().StartsWith('{'))
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(output);
            return doc.RootElement.TryGetProperty("decision", out var d) && d.GetString() == "block" && doc.RootElement.TryGetProperty("reason", out var r) ? r.GetString() ?? "" : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
