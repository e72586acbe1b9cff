namespace Baton.Core.Tickets;

/// <summary>
/// One commit naming one ticket, as `baton sync-status` applied it: <see cref="To"/> is the status
/// the ticket moved to, null when it only recorded the commit.
/// </summary>
public sealed record StatusSyncChange(string Ticket, string Commit, bool Closes, bool Landed, string Subject, string From, string? To)
{
    /// <summary>The line `baton sync-status` prints.</summary>
    public string Message => $"commit {Commit[..Math.Min(12, Commit.Length)]} {(Closes ? "closes" : "names")} {Ticket}: {Subject}" + (To is null ? "" : $" -> {To}");

    public override string ToString() => Message;
}
