using System.Text.RegularExpressions;
using Baton.Core.Agents;
using Baton.Infrastructure.Config;
using YamlDotNet.RepresentationModel;
using YamlDocument = Baton.Infrastructure.Config.YamlDocument;

namespace Baton.Infrastructure.Agents;

/// <summary>Turns an agent profile's YAML into an <see cref="AgentProfile"/>, naming file and line on any mistake.</summary>
public static class ProfileLoader
{
    public static AgentProfile Parse(string source, string text)
    {
        var doc = YamlDocument.Parse(source, text);
        var root = doc.Root;
        doc.AllowOnly(root, "name", "description", "command", "headless", "multiline", "exit_command", "reset", "approve_keys", "max_instances", "specialities", "max_tasks",
            "ready_timeout", "ready_settle_ms", "exit_timeout", "screen", "startup", "env", "pass_env", "context", "settings_argument", "settings_env", "settings_format", "notify_argument", "mcp_argument", "version", "sandbox");
        IReadOnlyList<string> contextArgument = [];
        string? contextFile = null;
        if (doc.Map(root, "context") is { } context)
        {
            doc.AllowOnly(context, "argument", "file");
            contextArgument = doc.List(context, "argument") ?? [];
            contextFile = doc.String(context, "file");
            if (contextFile is not null && (contextFile.Contains('/', StringComparison.Ordinal) || contextFile.StartsWith('.')))
            {
                throw doc.Error(doc.Node(context, "file")!, "'file' must be a plain file name such as AGENTS.md");
            }
        }
        var name = doc.String(root, "name") ?? throw doc.Error(root, "missing 'name'");
        var command = doc.List(root, "command");
        if (command is null || command.Count == 0)
        {
            throw doc.Error(doc.Node(root, "command") ?? root, "'command' must list the program and its arguments, for example [\"claude\"]");
        }

        IReadOnlyList<string> headlessCommand = [];
        var headlessOutput = "text";
        if (doc.Map(root, "headless") is { } headless)
        {
            doc.AllowOnly(headless, "command", "output");
            headlessCommand = doc.List(headless, "command") ?? [];
            headlessOutput = OneOf(doc, headless, "output", ["text", "stream-json", "jsonl", "gemini-stream-json", "opencode-json", "scripted"]) ?? "text";
        }

        IReadOnlyList<string> versionArgument = ["--version"];
        IReadOnlyList<string> knownGood = [];
        string? unverified = null;
        if (doc.Map(root, "version") is { } version)
        {
            doc.AllowOnly(version, "argument", "known_good", "unverified");
            unverified = doc.String(version, "unverified");
            versionArgument = doc.List(version, "argument") ?? versionArgument;
            knownGood = doc.List(version, "known_good") ?? [];
        }

        var multiline = OneOf(doc, root, "multiline", ["paste", "join"]) ?? "paste";
        var screen = doc.Map(root, "screen") ?? throw doc.Error(root, "missing 'screen' (the patterns that say ready, busy and waiting)");
        doc.AllowOnly(screen, "region_lines", "region_anchor", "region_below_anchor", "ready", "busy", "waiting", "input_line", "idle_debounce_ms", "usage_limit");
        var rules = new ScreenRules
        {
            RegionLines = doc.Int(screen, "region_lines", 1, 200) ?? 8,
            RegionAnchor = Pattern(doc, screen, "region_anchor"),
            RegionBelowAnchor = doc.Int(screen, "region_below_anchor", 0, 50) ?? 0,
            Ready = Pattern(doc, screen, "ready") ?? throw doc.Error(screen, "missing 'ready': the pattern that shows the agent waits for input"),
            Busy = Pattern(doc, screen, "busy"),
            Waiting = Pattern(doc, screen, "waiting"),
            InputLine = Pattern(doc, screen, "input_line"),
            IdleDebounce = TimeSpan.FromMilliseconds(doc.Int(screen, "idle_debounce_ms", 0, 60_000) ?? 800),
            UsageLimit = Pattern(doc, screen, "usage_limit"),
        };

        var startup = new List<StartupRule>();
        if (doc.Node(root, "startup") is { } startupNode)
        {
            if (startupNode is not YamlSequenceNode seq)
            {
                throw doc.Error(startupNode, "'startup' must be a list of {name, match, keys}");
            }

            foreach (var item in seq.Children)
            {
                if (item is not YamlMappingNode rule)
                {
                    throw doc.Error(item, "each start-up rule must be a mapping with name, match and keys");
                }

                doc.AllowOnly(rule, "name", "match", "keys");
                startup.Add(new StartupRule(
                    doc.String(rule, "name") ?? throw doc.Error(rule, "a start-up rule needs a 'name'"),
                    Pattern(doc, rule, "match") ?? throw doc.Error(rule, "a start-up rule needs 'match' (a pattern)"),
                    doc.List(rule, "keys") ?? throw doc.Error(rule, "a start-up rule needs 'keys', for example [\"Enter\"]")));
            }
        }

        IReadOnlyList<string> sandboxHome = [];
        IReadOnlyList<string> sandboxArguments = [];
        if (doc.Map(root, "sandbox") is { } sandbox)
        {
            doc.AllowOnly(sandbox, "home", "arguments");
            sandboxHome = doc.List(sandbox, "home") ?? [];
            if (sandboxHome.FirstOrDefault(e => e.Length == 0 || e.StartsWith('/') || e.Split('/').Contains("..")) is { } bad)
            {
                throw doc.Error(doc.Node(sandbox, "home")!, $"'home' lists '{bad}': each entry is a path inside HOME, such as .claude or .claude.json");
            }

            sandboxArguments = doc.List(sandbox, "arguments") ?? [];
        }

        return new AgentProfile
        {
            Name = name,
            Description = doc.String(root, "description") ?? "",
            Command = command,
            HeadlessCommand = headlessCommand,
            HeadlessOutput = headlessOutput,
            Multiline = multiline,
            ExitCommand = doc.String(root, "exit_command") ?? "/exit",
            Reset = doc.String(root, "reset") is { Length: > 0 } reset ? reset : null,
            ReadyTimeout = TimeSpan.FromSeconds(doc.Int(root, "ready_timeout", 1, 600) ?? 30),
            ReadySettle = TimeSpan.FromMilliseconds(doc.Int(root, "ready_settle_ms", 0, 60_000) ?? 0),
            ExitTimeout = TimeSpan.FromSeconds(doc.Int(root, "exit_timeout", 0, 120) ?? 5),
            Screen = rules,
            Startup = startup,
            Environment = doc.Dictionary(root, "env") ?? new Dictionary<string, string>(),
            PassEnvironment = doc.List(root, "pass_env") ?? [],
            ContextArgument = contextArgument,
            ContextFile = contextFile,
            SettingsArgument = doc.List(root, "settings_argument") ?? [],
            SettingsEnvironment = doc.String(root, "settings_env"),
            SettingsFormat = OneOf(doc, root, "settings_format", ["claude", "gemini"]) ?? "claude",
            NotifyArgument = doc.List(root, "notify_argument") ?? [],
            McpArgument = doc.List(root, "mcp_argument") ?? [],
            ApproveKeys = doc.List(root, "approve_keys") ?? ["Enter"],
            MaxInstances = doc.Int(root, "max_instances", 1, 1000),
            Specialities = doc.List(root, "specialities") ?? [],
            MaxTasks = doc.Int(root, "max_tasks", 1, 1000),
            VersionArgument = versionArgument,
            KnownGoodVersions = knownGood,
            Unverified = unverified,
            SandboxHome = sandboxHome,
            SandboxArguments = sandboxArguments,
            Source = source,
        };
    }

    private static string? OneOf(YamlDocument doc, YamlMappingNode map, string key, string[] allowed)
    {
        var value = doc.String(map, key);
        if (value is not null && !allowed.Contains(value, StringComparer.Ordinal))
        {
            throw doc.Error(doc.Node(map, key)!, $"'{key}' is '{value}'; expected one of: {string.Join(", ", allowed)}");
        }

        return value;
    }

    private static Regex? Pattern(YamlDocument doc, YamlMappingNode map, string key)
    {
        var text = doc.String(map, key);
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        try
        {
            return new Regex(text, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(200));
        }
        catch (ArgumentException e)
        {
            throw doc.Error(doc.Node(map, key)!, $"'{key}' is not a valid regular expression: {e.Message}");
        }
    }
}
