using System.Text.Json.Nodes;
using Baton.Core.Config;
using Baton.Core.Files;
using Baton.Core.Processes;
using Baton.Core.Workers;

namespace Baton.Core.Roles;

/// <summary>Composes a role's context, its agent settings and the memories of named agents.</summary>
public sealed class RoleService
{
    /// <summary>The Claude Code hook events Baton listens to.</summary>
    public static readonly IReadOnlyList<string> HookEvents =
        ["SessionStart", "UserPromptSubmit", "PreToolUse", "PostToolUse", "Notification", "Stop", "PermissionRequest", "SessionEnd", "PreCompact"];

    private readonly IRoleCatalog _catalog;
    private readonly Func<NamedReference, Directive> _resolve;
    private readonly BatonPaths _paths;
    private readonly IFiles _files;

    public RoleService(IRoleCatalog catalog, Func<NamedReference, Directive> resolve, BatonPaths paths, IFiles files)
    {
        _catalog = catalog;
        _resolve = resolve;
        _paths = paths;
        _files = files;
    }

    public IRoleCatalog Catalog => _catalog;

    /// <summary>The full context an agent receives: role prompt, directives, and the named agent's memory.</summary>
    public string Compose(string role, string? worker = null)
    {
        var r = _catalog.GetRole(role);
        var memory = worker is null ? null : ReadMemory(worker);
        return RoleComposer.Compose(r, _resolve, memory, worker);
    }

    /// <summary>
    /// Claude Code settings for the role: its permission rules, and hooks that report every state
    /// change to Baton (`baton hook EVENT`), so Claude Code workers tell their state themselves.
    /// </summary>
    /// <param name="hook">How to run Baton's hook (see <see cref="Workers.IExecutables.Hook"/>); the event name is appended.</param>
    public string ClaudeSettings(string role, IReadOnlyList<string> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        var r = _catalog.GetRole(role);
        var command = string.Join(' ', hook.Select(Shell.Quote));
        var hooks = new JsonObject();
        foreach (var e in HookEvents)
        {
            var entry = new JsonObject
            {
                ["hooks"] = new JsonArray(new JsonObject { ["type"] = "command", ["command"] = $"{command} {e}", ["timeout"] = 10 }),
            };
            if (e is "PreToolUse" or "PostToolUse" or "PermissionRequest")
            {
                entry["matcher"] = "*";
            }

            hooks[e] = new JsonArray(entry);
        }

        var settings = new JsonObject
        {
            ["permissions"] = new JsonObject
            {
                // A role given Baton's MCP server may call its tools without a permission question.
                ["allow"] = new JsonArray(r.Permissions.Allow.Concat(r.Mcp != RoleMcp.None ? ["mcp__baton"] : []).Select(a => (JsonNode?)JsonValue.Create(a)).ToArray()),
                ["deny"] = new JsonArray(r.Permissions.Deny.Select(d => (JsonNode?)JsonValue.Create(d)).ToArray()),
            },
            ["hooks"] = hooks,
            // The TUI's status line: Claude Code pipes its context fill, cost and subscription
            // windows to it after each update; Baton spools them as a second fill source and
            // prints a short line back for the footer.
            ["statusLine"] = new JsonObject { ["type"] = "command", ["command"] = $"{command} {Usage.ClaudeStatusLine.Event}", ["padding"] = 0 },
        };
        using var buffer = new MemoryStream();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer, new System.Text.Json.JsonWriterOptions { Indented = true }))
        {
            settings.WriteTo(writer);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    public string MemoryFile(string worker) => Path.Combine(_paths.BatonDir, "memories", WorkerName.Validate(worker) + ".md");

    public string? ReadMemory(string worker)
    {
        var file = MemoryFile(worker);
        return _files.FileExists(file) ? _files.ReadText(file) : null;
    }

    public void AddMemory(string worker, string fact, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(fact);
        if (fact.Trim().Length == 0)
        {
            throw BatonException.Usage("the memory is empty: baton memory add NAME \"what to remember\"");
        }

        var file = MemoryFile(worker);
        var header = _files.FileExists(file) ? "" : $"# Memory of {worker}\n\n";
        _files.AppendText(file, $"{header}- {fact.Trim().Replace("\n", " ", StringComparison.Ordinal)} ({now.UtcDateTime:yyyy-MM-dd})\n");
    }

}
