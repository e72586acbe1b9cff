namespace Baton.Core.Conflicts;

/// <summary>
/// A branch whose work is not merged yet: a ticket's, a feature's, or one named on the command
/// line. <see cref="Target"/> is where it merges (null: nowhere known); <see cref="Ticket"/> and
/// <see cref="Worker"/> say whose it is, for messages.
/// </summary>
public sealed record LiveBranch(string Name, string? Target, string? Ticket = null, string? Worker = null, string? Feature = null);
