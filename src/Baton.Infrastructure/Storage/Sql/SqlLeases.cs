using System.Data.Common;
using Baton.Core.Nodes;

namespace Baton.Infrastructure.Storage.Sql;

/// <summary>
/// The lease rows, read and written inside a write transaction the caller holds: taken with a
/// claim, checked by every fenced write, released when the work leaves its node.
/// </summary>
internal static class SqlLeases
{
    public static Lease? Current(SqlStore db, long ticket)
    {
        using var cmd = db.Command("SELECT * FROM leases WHERE ticket = @t ORDER BY token DESC LIMIT 1");
        SqlStore.Bind(cmd, "@t", ticket);
        using var r = cmd.ExecuteReader();
        return r.Read() ? Read(r) : null;
    }

    /// <summary>
    /// A new lease for <paramref name="worker"/>, unless another node's lease on the ticket is held
    /// and unexpired. The ticket's row is locked first with SKIP LOCKED on PostgreSQL: a claim
    /// that finds it locked by another transaction gives up at once instead of queueing behind it.
    /// </summary>
    public static long Take(SqlStore db, long ticket, string worker, LeaseClaim claim)
    {
        using (var lockRow = db.Command("SELECT number FROM tickets WHERE number = @t" + db.SkipLocked))
        {
            SqlStore.Bind(lockRow, "@t", ticket);
            if (lockRow.ExecuteScalar() is null)
            {
                throw new LeaseHeldException(ticket, "(another claim under way)", 0);
            }
        }

        if (Current(db, ticket) is { State: LeaseState.Held } held)
        {
            if (held.Node != claim.Node && held.ExpiresAt > claim.At)
            {
                throw new LeaseHeldException(ticket, held.Node, held.Token);
            }

            // This node's own earlier claim (a restart of the ticket), or one left to expire: it ends here.
            End(db, held.Token, held.Node == claim.Node ? LeaseState.Released : LeaseState.Expired, claim.At);
        }

        using var insert = db.Command("""
            INSERT INTO leases (ticket, node, worker, state, taken_at, renewed_at, expires_at)
            VALUES (@t, @node, @worker, 'held', @at, @at, @until) RETURNING token
            """);
        SqlStore.Bind(insert, "@t", ticket);
        SqlStore.Bind(insert, "@node", claim.Node);
        SqlStore.Bind(insert, "@worker", worker);
        SqlStore.Bind(insert, "@at", SqlStore.Format(claim.At));
        SqlStore.Bind(insert, "@until", SqlStore.Format(claim.At + claim.Ttl));
        return Convert.ToInt64(insert.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Refuses the write unless <paramref name="token"/> is still the ticket's newest lease and did not expire.</summary>
    public static void CheckFence(SqlStore db, long ticket, long token)
    {
        var current = Current(db, ticket);
        if (current is null)
        {
            throw new LeaseLostException(ticket, token, "the ticket has no lease");
        }

        if (current.Token != token)
        {
            throw new LeaseLostException(ticket, token, $"node '{current.Node}' took it with token {current.Token}");
        }

        if (current.State == LeaseState.Expired)
        {
            throw new LeaseLostException(ticket, token, "it expired unrenewed and the ticket went back to the queue");
        }
    }

    /// <summary>The ticket's held lease, if any, is given back.</summary>
    public static void Release(SqlStore db, long ticket, DateTimeOffset at)
    {
        using var cmd = db.Command("UPDATE leases SET state = 'released', ended_at = @at WHERE ticket = @t AND state = 'held'");
        SqlStore.Bind(cmd, "@at", SqlStore.Format(at));
        SqlStore.Bind(cmd, "@t", ticket);
        cmd.ExecuteNonQuery();
    }

    public static void End(SqlStore db, long token, LeaseState state, DateTimeOffset at)
    {
        using var cmd = db.Command("UPDATE leases SET state = @state, ended_at = @at WHERE token = @token");
        SqlStore.Bind(cmd, "@state", Lease.StateText(state));
        SqlStore.Bind(cmd, "@at", SqlStore.Format(at));
        SqlStore.Bind(cmd, "@token", token);
        cmd.ExecuteNonQuery();
    }

    public static Lease Read(DbDataReader r) => new(
        r.GetInt64(r.GetOrdinal("token")),
        r.GetInt64(r.GetOrdinal("ticket")),
        r.GetString(r.GetOrdinal("node")),
        r.GetString(r.GetOrdinal("worker")),
        Lease.ParseState(r.GetString(r.GetOrdinal("state"))),
        SqlStore.Time(r, "taken_at")!.Value,
        SqlStore.Time(r, "renewed_at")!.Value,
        SqlStore.Time(r, "expires_at")!.Value);
}
