namespace Baton.Core.Nodes;

/// <summary>
/// One claim of a ticket by a node: the fencing token (a number every new lease takes from one
/// increasing sequence, so the newest lease of a ticket always has the highest), the node and the
/// worker it started, and until when the claim holds unless renewed.
/// </summary>
public sealed record Lease(long Token, long Ticket, string Node, string Worker, LeaseState State, DateTimeOffset TakenAt, DateTimeOffset RenewedAt, DateTimeOffset ExpiresAt)
{
    public static string StateText(LeaseState state) => state switch
    {
        LeaseState.Held => "held",
        LeaseState.Released => "released",
        _ => "expired",
    };

    public static LeaseState ParseState(string text) => text switch
    {
        "held" => LeaseState.Held,
        "released" => LeaseState.Released,
        _ => LeaseState.Expired,
    };
}
