using System.Text.RegularExpressions;
using Baton.Core;
using Baton.Core.Roles;
using YamlDotNet.RepresentationModel;
using YamlDocument = Baton.Infrastructure.Config.YamlDocument;

namespace Baton.Infrastructure.Roles;

/// <summary>
/// Built-in roles and directives (embedded <c>assets/roles</c>, <c>assets/directives</c>),
/// overridden by <c>.baton/roles/NAME.yaml</c> and <c>.baton/directives/NAME.yaml</c>.
/// Every mistake in a file is reported with file, line and column.
/// </summary>
public sealed partial class RoleCatalog : IRoleCatalog
{
    private readonly string? _batonDir;
    private readonly Dictionary<string, Role> _roles = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Directive> _directives = new(StringComparer.Ordinal);

    public RoleCatalog(string? batonDir)
    {
        _batonDir = batonDir;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,39}$")]
    private static partial Regex NamePattern();

    public static IReadOnlyList<string> BuiltIn(string kind) =>
        typeof(BatonException).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith($"assets/{kind}/", StringComparison.Ordinal) && n.EndsWith(".yaml", StringComparison.Ordinal))
            .Select(n => n[$"assets/{kind}/".Length..^".yaml".Length])
            .Order(StringComparer.Ordinal)
            .ToList();

    public static string BuiltInText(string kind, string name)
    {
        using var stream = typeof(BatonException).Assembly.GetManifestResourceStream($"assets/{kind}/{name}.yaml")
            ?? throw new BatonException($"no built-in {kind} '{name}'");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public IReadOnlyList<string> RoleNames() => Names("roles");

    public IReadOnlyList<string> DirectiveNames() => Names("directives");

    public Role GetRole(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_roles.TryGetValue(name, out var cached))
        {
            return cached;
        }

        var (source, text) = Find("roles", name)
            ?? throw BatonException.Usage($"unknown role '{name}': known roles are {string.Join(", ", RoleNames())} (add one as .baton/roles/{name}.yaml)");
        var role = ParseRole(source, text);
        _roles[name] = role;
        return role;
    }

    public Directive GetDirective(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_directives.TryGetValue(name, out var cached))
        {
            return cached;
        }

        var (source, text) = Find("directives", name)
            ?? throw BatonException.Usage($"unknown directive '{name}': known directives are {string.Join(", ", DirectiveNames())}");
        var directive = ParseDirective(source, text);
        _directives[name] = directive;
        return directive;
    }

    /// <summary>Resolves a directive named in a file, blaming that file and line when it does not exist.</summary>
    public Directive Resolve(NamedReference reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        try
        {
            return GetDirective(reference.Name);
        }
        catch (BatonException e) when (e.Message.StartsWith("unknown directive", StringComparison.Ordinal))
        {
            throw BatonException.Usage($"{reference.Where}: {e.Message}");
        }
    }

    public static Role ParseRole(string source, string text)
    {
        var doc = YamlDocument.Parse(source, text);
        var root = doc.Root;
        doc.AllowOnly(root, "name", "description", "prompt", "directives", "agent", "capacity", "exit_when_done",
            "commit_before_stop", "auto_approve", "permissions", "handoff_to", "specialities", "max_tasks", "mcp", "sandbox", "subagents");
        var permissions = new RolePermissions();
        if (doc.Map(root, "permissions") is { } p)
        {
            doc.AllowOnly(p, "allow", "deny", "write", "protected_branches");
            permissions = new RolePermissions
            {
                Allow = doc.List(p, "allow") ?? [],
                Deny = doc.List(p, "deny") ?? [],
                Write = doc.List(p, "write") ?? [],
                ProtectedBranches = doc.List(p, "protected_branches") ?? [],
            };
        }

        return new Role
        {
            Name = Name(doc, root),
            Description = doc.String(root, "description") ?? "",
            Prompt = doc.String(root, "prompt") ?? "",
            Directives = References(doc, root),
            Agent = doc.String(root, "agent"),
            Capacity = doc.Int(root, "capacity", 1, 1000),
            HandoffTo = doc.List(root, "handoff_to") ?? [],
            Specialities = doc.List(root, "specialities") ?? [],
            MaxTasks = doc.Int(root, "max_tasks", 1, 1000),
            ExitWhenDone = doc.String(root, "exit_when_done") is null || Bool(doc, root, "exit_when_done"), // ending is the default
            CommitBeforeStop = Bool(doc, root, "commit_before_stop"),
            AutoApprove = Bool(doc, root, "auto_approve"),
            Mcp = doc.Choice(root, "mcp", ("true", RoleMcp.Worker), ("false", RoleMcp.None), ("worker", RoleMcp.Worker), ("orchestrator", RoleMcp.Orchestrator)) ?? RoleMcp.None,
            Permissions = permissions,
            Sandbox = doc.Map(root, "sandbox") is { } sandbox ? Config.SandboxConfigLoader.Parse(doc, sandbox) : Core.Sandbox.SandboxSettings.Unset,
            Subagents = Subagents(doc, root),
            Source = source,
        };
    }

    /// <summary>Sub-agents by name (a file name: letters, digits, '-', '_'), each its markdown.</summary>
    private static Dictionary<string, string> Subagents(YamlDocument doc, YamlMappingNode root)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (doc.Map(root, "subagents") is not { } map)
        {
            return result;
        }

        foreach (var (key, value) in map.Children)
        {
            var name = (key as YamlScalarNode)?.Value ?? "";
            if (!NamePattern().IsMatch(name))
            {
                throw doc.Error(key, $"sub-agent name '{name}' must be 1-40 lowercase letters, digits, '-' or '_'");
            }

            result[name] = value is YamlScalarNode { Value: { } text } && text.Trim().Length > 0
                ? text
                : throw doc.Error(value, $"sub-agent '{name}' must be its markdown text (a `|` block with front matter and prompt)");
        }

        return result;
    }

    public static Directive ParseDirective(string source, string text)
    {
        var doc = YamlDocument.Parse(source, text);
        var root = doc.Root;
        doc.AllowOnly(root, "name", "description", "content", "directives");
        return new Directive
        {
            Name = Name(doc, root),
            Description = doc.String(root, "description") ?? "",
            Content = doc.String(root, "content") ?? "",
            Directives = References(doc, root),
            Source = source,
        };
    }

    private IReadOnlyList<string> Names(string kind)
    {
        var names = new SortedSet<string>(BuiltIn(kind), StringComparer.Ordinal);
        var dir = _batonDir is null ? null : Path.Combine(_batonDir, kind);
        if (dir is not null && Directory.Exists(dir))
        {
            foreach (var f in Directory.EnumerateFiles(dir, "*.yaml"))
            {
                names.Add(Path.GetFileNameWithoutExtension(f));
            }
        }

        return names.ToList();
    }

    private (string Source, string Text)? Find(string kind, string name)
    {
        if (!NamePattern().IsMatch(name))
        {
            return null;
        }

        var file = _batonDir is null ? null : Path.Combine(_batonDir, kind, name + ".yaml");
        if (file is not null && File.Exists(file))
        {
            return (file, File.ReadAllText(file));
        }

        return BuiltIn(kind).Contains(name, StringComparer.Ordinal) ? ($"built-in {kind[..^1]} {name}", BuiltInText(kind, name)) : null;
    }

    private static string Name(YamlDocument doc, YamlMappingNode root)
    {
        var name = doc.String(root, "name") ?? throw doc.Error(root, "missing 'name'");
        return NamePattern().IsMatch(name) ? name : throw doc.Error(doc.Node(root, "name")!, $"'name' is '{name}'; use lowercase letters, digits, '-' and '_'");
    }

    private static List<NamedReference> References(YamlDocument doc, YamlMappingNode root)
    {
        var node = doc.Node(root, "directives");
        if (node is null)
        {
            return [];
        }

        if (node is not YamlSequenceNode seq)
        {
            throw doc.Error(node, "'directives' must be a list of directive names, for example [base, code-quality]");
        }

        return seq.Children.Select(c => c is YamlScalarNode { Value: { Length: > 0 } v }
                ? new NamedReference(v, doc.Source, (int)c.Start.Line, (int)c.Start.Column)
                : throw doc.Error(c, "each directive must be a name"))
            .ToList();
    }

    private static bool Bool(YamlDocument doc, YamlMappingNode map, string key) => doc.String(map, key) switch
    {
        null => false,
        "true" or "yes" or "on" => true,
        "false" or "no" or "off" => false,
        var other => throw doc.Error(doc.Node(map, key)!, $"'{key}' must be true or false, not '{other}'"),
    };
}
