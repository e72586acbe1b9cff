namespace Baton.Core.Config;

/// <summary>One key of config.yaml (<see cref="ConfigSchema"/>).</summary>
/// <param name="Default">As the template writes it (quoted where YAML needs quotes).</param>
/// <param name="Min">Smallest allowed value (numbers, durations), or a choice's first word.</param>
/// <param name="Max">Largest allowed value, or a choice's second word.</param>
/// <param name="Description">The template's comment lines above the key.</param>
/// <param name="Read">The key's value in a loaded config, written as <paramref name="Default"/> is (durations in <see cref="Durations.Format"/>).</param>
public sealed record ConfigKey(
    string Section,
    string Name,
    ConfigValueType Type,
    string Default,
    string? Min,
    string? Max,
    IReadOnlyList<string> Description,
    Func<BatonConfig, string> Read)
{
    public string Path => Section + "." + Name;
}
