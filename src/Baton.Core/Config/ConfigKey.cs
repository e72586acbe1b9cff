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

    /// <summary>The range of a whole-number key (or a map's numbers).</summary>
    public long IntMin => long.Parse(Min ?? throw Untyped(), System.Globalization.CultureInfo.InvariantCulture);

    public long IntMax => long.Parse(Max ?? throw Untyped(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The range of a duration key.</summary>
    public TimeSpan DurationMin => Durations.Parse(Min ?? throw Untyped(), bareSeconds: true) ?? throw Untyped();

    public TimeSpan DurationMax => Durations.Parse(Max ?? throw Untyped(), bareSeconds: true) ?? throw Untyped();

    private InvalidOperationException Untyped() => new($"config key {Path} has no range of that type in ConfigSchema");
}
