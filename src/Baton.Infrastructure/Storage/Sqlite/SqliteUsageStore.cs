using System.Globalization;
using Baton.Core.Usage;
using Baton.Core.Workers;
using Microsoft.Data.Sqlite;

namespace Baton.Infrastructure.Storage.Sqlite;

/// <summary>Per-worker-run usage rows (table worker_usage) in SQLite.</summary>
public sealed class SqliteUsageStore : IUsageStore
{
    private readonly SqliteStore _db;

    public SqliteUsageStore(SqliteStore db)
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
    internal static void Apply(SqliteStore db, Worker worker, UsageUpdate update)
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
                input_tokens = input_tokens + $input, output_tokens = output_tokens + $output,
                cache_creation_tokens = cache_creation_tokens + $creation, cache_read_tokens = cache_read_tokens + $read,
                cost_usd = CASE WHEN $cost IS NULL THEN cost_usd ELSE COALESCE(cost_usd, 0) + $cost END,
                context_tokens = COALESCE($ctx_tokens, context_tokens), context_window = COALESCE($ctx_window, context_window),
                model = COALESCE($model, model), agent_version = COALESCE(agent_version, $version), updated_at = $now
            WHERE id = $id
            """);
        SqliteStore.Bind(cmd, "$input", t.Input);
        SqliteStore.Bind(cmd, "$output", t.Output);
        SqliteStore.Bind(cmd, "$creation", t.CacheCreation);
        SqliteStore.Bind(cmd, "$read", t.CacheRead);
        SqliteStore.Bind(cmd, "$cost", t.CostUsd is { } c ? (double)c : null);
        SqliteStore.Bind(cmd, "$ctx_tokens", update.Context?.Tokens);
        SqliteStore.Bind(cmd, "$ctx_window", update.Context?.Window);
        SqliteStore.Bind(cmd, "$model", update.Model);
        SqliteStore.Bind(cmd, "$version", update.AgentVersion);
        SqliteStore.Bind(cmd, "$now", SqliteStore.Format(update.Events.Count > 0 ? update.Events[^1].Time : DateTimeOffset.UtcNow));
        SqliteStore.Bind(cmd, "$id", id);
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
            var model = SqliteStore.Text(r, "model");
            rows.Add(new UsageRow
            {
                Worker = r.GetString(r.GetOrdinal("worker")),
                Agent = r.GetString(r.GetOrdinal("agent")),
                Ticket = Long(r, "ticket"),
                AgentVersion = SqliteStore.Text(r, "agent_version"),
                Model = model,
                Tokens = new TokenUsage(Long(r, "input_tokens") ?? 0, Long(r, "output_tokens") ?? 0, Long(r, "cache_creation_tokens") ?? 0, Long(r, "cache_read_tokens") ?? 0, cost),
                Context = ctxTokens is null && ctxWindow is null ? null : new ContextFill(ctxTokens, ctxWindow ?? ContextWindows.For(model), model),
                StartedAt = SqliteStore.Time(r, "started_at")!.Value,
                UpdatedAt = SqliteStore.Time(r, "updated_at"),
            });
        }

        return rows;
    }

    private static void Insert(SqliteStore db, Worker worker, string? agentVersion)
    {
        using var cmd = db.Command("""
            INSERT INTO worker_usage (worker, agent, ticket, agent_version, started_at)
            VALUES ($worker, $agent, $ticket, $version, $started)
            """);
        SqliteStore.Bind(cmd, "$worker", worker.Name);
        SqliteStore.Bind(cmd, "$agent", worker.Agent);
        SqliteStore.Bind(cmd, "$ticket", worker.Ticket);
        SqliteStore.Bind(cmd, "$version", agentVersion);
        SqliteStore.Bind(cmd, "$started", SqliteStore.Format(worker.CreatedAt));
        cmd.ExecuteNonQuery();
    }

    private static long? LatestId(SqliteStore db, string worker)
    {
        using var cmd = db.Command("SELECT MAX(id) FROM worker_usage WHERE worker = $worker");
        SqliteStore.Bind(cmd, "$worker", worker);
        var value = cmd.ExecuteScalar();
        return value is null or DBNull ? null : Convert.ToInt64(value, CultureInfo.InvariantCulture);
    }

    private static long? Long(SqliteDataReader r, string column)
    {
        var i = r.GetOrdinal(column);
        return r.IsDBNull(i) ? null : r.GetInt64(i);
    }
}
