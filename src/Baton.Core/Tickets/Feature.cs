namespace Baton.Core.Tickets;

/// <summary>
/// A group of tickets delivered together. `baton feature init` gives it an integration branch,
/// <c>feature/NAME/overseer</c>, made from <see cref="BaseBranch"/>, and a branch per implementor.
/// </summary>
public sealed record Feature(string Name, string Title, string Description, DateTimeOffset CreatedAt)
{
    public const string Active = "active";

    /// <summary>The branch the overseer branch was made from and merges into; null: the repository's base branch.</summary>
    public string? BaseBranch { get; init; }

    /// <summary><c>active</c> while its branches are live; <c>merged</c> once the overseer branch landed.</summary>
    public string Status { get; init; } = Active;
}

/// <summary>How many tickets of a feature are in each kind of state.</summary>
public sealed record FeatureStatus(string Feature, string Title, int Tickets, int Done, int Active, int Waiting, int Blocked, int Failed, int Cancelled);
