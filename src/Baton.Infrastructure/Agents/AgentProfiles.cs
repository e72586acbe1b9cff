using System.Reflection;
using Baton.Core;
using Baton.Core.Agents;

namespace Baton.Infrastructure.Agents;

/// <summary>
/// Built-in profiles (embedded <c>assets/agents/*.yaml</c>) overridden or extended by
/// <c>.baton/agents/NAME.yaml</c>. Parsed on first use only: `baton list` reads just the profiles
/// of the workers it shows.
/// </summary>
public sealed class AgentProfiles : IAgentProfiles
{
    private const string Prefix = "assets/agents/";
    private readonly string? _projectDir;
    private readonly Dictionary<string, AgentProfile> _cache = new(StringComparer.Ordinal);

    public AgentProfiles(string? projectDir)
    {
        _projectDir = projectDir;
    }

    public static IReadOnlyList<string> BuiltInNames() =>
        typeof(BatonException).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(".yaml", StringComparison.Ordinal))
            .Select(n => n[Prefix.Length..^".yaml".Length])
            .Order(StringComparer.Ordinal)
            .ToList();

    public static string BuiltInText(string name)
    {
        using var stream = typeof(BatonException).Assembly.GetManifestResourceStream(Prefix + name + ".yaml")
            ?? throw new BatonException($"no built-in agent profile '{name}'");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public IReadOnlyList<string> Names()
    {
        var names = new SortedSet<string>(BuiltInNames(), StringComparer.Ordinal);
        if (_projectDir is not null && Directory.Exists(_projectDir))
        {
            foreach (var file in Directory.EnumerateFiles(_projectDir, "*.yaml"))
            {
                names.Add(Path.GetFileNameWithoutExtension(file));
            }
        }

        return names.ToList();
    }

    public AgentProfile Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_cache.TryGetValue(name, out var cached))
        {
            return cached;
        }

        AgentProfile? profile = null;
        if (System.Text.RegularExpressions.Regex.IsMatch(name, "^[a-z0-9][a-z0-9_-]{0,39}$"))
        {
            var file = _projectDir is null ? null : Path.Combine(_projectDir, name + ".yaml");
            if (file is not null && File.Exists(file))
            {
                profile = ProfileLoader.Parse(file, File.ReadAllText(file));
            }
            else if (BuiltInNames().Contains(name, StringComparer.Ordinal))
            {
                profile = ProfileLoader.Parse($"built-in profile {name}", BuiltInText(name));
            }
        }

        if (profile is null)
        {
            throw BatonException.Usage($"unknown agent '{name}': known agents are {string.Join(", ", Names())} (add one as .baton/agents/{name}.yaml)");
        }

        _cache[name] = profile;
        return profile;
    }
}
