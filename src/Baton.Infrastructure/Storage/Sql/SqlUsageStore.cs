using System.Globalization;
using Baton.Core.Usage;
using Baton.Core.Workers;
using System.Data.Common;

namespace Baton.Infrastructure.Storage.Sql;

/// <summary>Per-worker-run usage rows (table worker_usage) in the store (SQLite or PostgreSQL), with the subscription windows each run last reported.</summary>
public sealed class SqlUsageStore : IUsageStore, IRateLimitReadings
{
    private readonly SqlStore _db;

    public SqlUsageStore(SqlStore db)
    {
        _db = db;
    }

    public void Begin(Worker worker, string? agentVersion)
    {
        ArgumentNullException.ThrowIfNull(worker);
        _db.Write(() => Insert(_db, worker, agentVersion));
    }

    public void Record(Worker worker, UsageUpdate update)
    {
        ArgumentNullException.ThrowIfNull(worker);
        ArgumentNullException.ThrowIfNull(update);
        _db.Write(() => Apply(_db, worker, update));
    }

    /// <summary>Adds <paramref name="update"/> to the worker's latest row, inside the caller's write transaction.</summary>
    internal static void Apply(SqlStore db, Worker worker, UsageUpdate update)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(worker);
        ArgumentNullException.ThrowIfNull(update);
        // A worker spawned before this table existed has no row yet: start one.
        if (LatestId(db, worker.Name) is not { } id)
        {
            Insert(db, worker, update.AgentVersion);
            id = LatestId(db, worker.Name)!.Value;
        }

        var t = update.Added;
        using var cmd = db.Command("""
            UPDATE worker_usage SET
                input_tokens = input_tokens + @input, output_tokens = output_tokens + @output,
                cache_creation_tokens = cache_creation_tokens + @creation, cache_read_tokens = cache_read_tokens + @read,
                cost_usd = CASE WHEN @session_cost IS NOT NULL AND @session_cost > COALESCE(cost_usd, 0) + COALESCE(@cost, 0) THEN @session_cost
                    WHEN @cost IS NULL THEN cost_usd ELSE COALESCE(cost_usd, 0) + @cost END,
                five_hour_percent = CASE WHEN @rl_at IS NULL THEN five_hour_percent ELSE @fh_pct END,
                five_hour_resets_at = CASE WHEN @rl_at IS NULL THEN five_hour_resets_at ELSE @fh_reset END,
                seven_day_percent = CASE WHEN @rl_at IS NULL THEN seven_day_percent ELSE @sd_pct END,
                seven_day_resets_at = CASE WHEN @rl_at IS NULL THEN seven_day_resets_at ELSE @sd_reset END,
                rate_limits_at = COALESCE(@rl_at, rate_limits_at),
                context_tokens = COALESCE(@ctx_tokens, context_tokens), context_window = COALESCE(@ctx_window, context_window),
                model = COALESCE(@model, model), agent_version = COALESCE(agent_version, @version), updated_at = @now
            WHERE id = @id
            """);
        SqlStore.Bind(cmd, "@input", t.Input);
        SqlStore.Bind(cmd, "@output", t.Output);
        SqlStore.Bind(cmd, "@creation", t.CacheCreation);
        SqlStore.Bind(cmd, "@read", t.CacheRead);
        SqlStore.Bind(cmd, "@cost", t.CostUsd is { } c ? (double?)c : null);
        SqlStore.Bind(cmd, "@ctx_tokens", update.Context?.Tokens);
        SqlStore.Bind(cmd, "@ctx_window", update.Context?.Window);
        SqlStore.Bind(cmd, "@model", update.Model);
        SqlStore.Bind(cmd, "@version", update.AgentVersion);
        SqlStore.Bind(cmd, "@now", SqlStore.Format(update.Events.Count > 0 ? update.Events[^1].Time : DateTimeOffset.UtcNow));
        SqlStore.Bind(cmd, "@id", id);
        SqlStore.Bind(cmd, "@session_cost", update.SessionCostUsd is { } sc ? (double?)sc : null);
        var rl = update.RateLimits;
        SqlStore.Bind(cmd, "@rl_at", rl is null ? null : SqlStore.Format(rl.ObservedAt));
        SqlStore.Bind(cmd, "@fh_pct", rl?.FiveHour?.UsedPercent);
        SqlStore.Bind(cmd, "@fh_reset", rl?.FiveHour?.ResetsAt is { } fr ? SqlStore.Format(fr) : null);
        SqlStore.Bind(cmd, "@sd_pct", rl?.SevenDay?.UsedPercent);
        SqlStore.Bind(cmd, "@sd_reset", rl?.SevenDay?.ResetsAt is { } sr ? SqlStore.Format(sr) : null);
        cmd.ExecuteNonQuery();
        foreach (var e in update.Events)
        {
            db.Insert(e);
        }
    }

    public IReadOnlyList<UsageRow> List()
    {
        using var cmd = _db.Command("SELECT * FROM worker_usage ORDER BY id");
        using var r = cmd.ExecuteReader();
        var rows = new List<UsageRow>();
        while (r.Read())
        {
            var cost = r.IsDBNull(r.GetOrdinal("cost_usd")) ? (decimal?)null : Math.Round((decimal)r.GetDouble(r.GetOrdinal("cost_usd")), 6);
            var ctxTokens = Long(r, "context_tokens");
            var ctxWindow = Long(r, "context_window");
            var model = SqlStore.Text(r, "model");
            rows.Add(new UsageRow
            {
                Worker = r.GetString(r.GetOrdinal("worker")),
                Agent = r.GetString(r.GetOrdinal("agent")),
                Ticket = Long(r, "ticket"),
                AgentVersion = SqlStore.Text(r, "agent_version"),
                Model = model,
                Tokens = new TokenUsage(Long(r, "input_tokens") ?? 0, Long(r, "output_tokens") ?? 0, Long(r, "cache_creation_tokens") ?? 0, Long(r, "cache_read_tokens") ?? 0, cost),
                Context = ctxTokens is null && ctxWindow is null ? null : new ContextFill(ctxTokens, ctxWindow ?? ContextWindows.For(model), model),
                RateLimits = Limits(r),
                StartedAt = SqlStore.Time(r, "started_at")!.Value,
                UpdatedAt = SqlStore.Time(r, "updated_at"),
            });
        }

        return rows;
    }

    public IReadOnlyList<RateLimitReading> LatestRateLimits()
    {
        // The newest reading of each profile: a window is the account's, whichever worker saw it.
        using var cmd = _db.Command("""
            SELECT * FROM worker_usage u WHERE rate_limits_at IS NOT NULL AND id = (
                SELECT id FROM worker_usage v WHERE v.agent = u.agent AND v.rate_limits_at IS NOT NULL
                ORDER BY v.rate_limits_at DESC, v.id DESC LIMIT 1)
            ORDER BY agent
            """);
        using var r = cmd.ExecuteReader();
        var readings = new List<RateLimitReading>();
        while (r.Read())
        {
            readings.Add(new RateLimitReading(r.GetString(r.GetOrdinal("agent")), r.GetString(r.GetOrdinal("worker")), Limits(r)!));
        }

        return readings;
    }

    private static RateLimits? Limits(DbDataReader r)
    {
        if (SqlStore.Time(r, "rate_limits_at") is not { } at)
        {
            return null;
        }

        return new RateLimits(Window(r, "five_hour"), Window(r, "seven_day"), at);
    }

    private static RateLimitWindow? Window(DbDataReader r, string prefix)
    {
        var i = r.GetOrdinal(prefix + "_percent");
        return r.IsDBNull(i) ? null : new RateLimitWindow(r.GetDouble(i), SqlStore.Time(r, prefix + "_resets_at"));
    }

    private static void Insert(SqlStore db, Worker worker, string? agentVersion)
    {
        using var cmd = db.Command("""
            INSERT INTO worker_usage (worker, agent, ticket, agent_version, started_at)
            VALUES (@worker, @agent, @ticket, @version, @started)
            """);
        SqlStore.Bind(cmd, "@worker", worker.Name);
        SqlStore.Bind(cmd, "@agent", worker.Agent);
        SqlStore.Bind(cmd, "@ticket", worker.Ticket);
        SqlStore.Bind(cmd, "@version", agentVersion);
        SqlStore.Bind(cmd, "@started", SqlStore.Format(worker.CreatedAt));
        cmd.ExecuteNonQuery();
    }

    private static long? LatestId(SqlStore db, string worker)
    {
        using var cmd = db.Command("SELECT MAX(id) FROM worker_usage WHERE worker = @worker");
        SqlStore.Bind(cmd, "@worker", worker);
        var value = cmd.ExecuteScalar();
        return value is null or DBNull ? null : Convert.ToInt64(value, CultureInfo.InvariantCulture);
    }

    private static long? Long(DbDataReader r, string column)
    {
        var i = r.GetOrdinal(column);
        return r.IsDBNull(i) ? null : r.GetInt64(i);
    }
}
