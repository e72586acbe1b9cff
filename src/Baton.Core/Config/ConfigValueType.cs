namespace Baton.Core.Config;

/// <summary>What a config.yaml key holds.</summary>
public enum ConfigValueType
{
    Text,
    Int,
    Bool,

    /// <summary>A duration (<see cref="Durations"/>); its range is durations too.</summary>
    Duration,

    /// <summary>One of two words, given as the range's two ends.</summary>
    Choice,

    /// <summary>Name to whole number, each number in the range.</summary>
    Map,
    List,

    /// <summary>Name to a list of text values (<c>gate.roles</c>).</summary>
    Lists,
}
