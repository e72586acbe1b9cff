namespace Baton.Core.Merge;

/// <summary>The text of each <see cref="MergeRequestKind"/>, as the store and <c>--json</c> hold it.</summary>
public static class MergeRequestKinds
{
    public static string ToText(this MergeRequestKind kind) => kind switch
    {
        MergeRequestKind.Local => "local",
        MergeRequestKind.GitHub => "github",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>Reads a kind as the store writes it.</summary>
    public static MergeRequestKind FromStored(string text) => text switch
    {
        "local" => MergeRequestKind.Local,
        "github" => MergeRequestKind.GitHub,
        _ => throw new BatonException($"unknown merge request kind '{text}' in the store"),
    };
}
