namespace Baton.Core.Tickets;

/// <summary>A group of tickets delivered together, with its own integration branch later on.</summary>
public sealed record Feature(string Name, string Title, string Description, DateTimeOffset CreatedAt);

/// <summary>How many tickets of a feature are in each kind of state.</summary>
public sealed record FeatureStatus(string Feature, string Title, int Tickets, int Done, int Active, int Waiting, int Blocked, int Failed, int Cancelled);
