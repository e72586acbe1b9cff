using System.Globalization;
using Baton.Core.Budgets;
using Baton.Core.Events;
using Microsoft.Data.Sqlite;

namespace Baton.Infrastructure.Storage.Sqlite;

/// <summary>Budgets (table budgets) in SQLite. Limits are stored as invariant text: dollars keep their cents exactly.</summary>
public sealed class SqliteBudgetStore : IBudgetStore
{
    private readonly SqliteStore _db;

    public SqliteBudgetStore(SqliteStore db)
    {
        _db = db;
    }

    public IReadOnlyList<Budget> List()
    {
        using var cmd = _db.Command("SELECT * FROM budgets ORDER BY rowid");
        using var r = cmd.ExecuteReader();
        var list = new List<Budget>();
        while (r.Read())
        {
            list.Add(new Budget
            {
                Period = Budget.ParsePeriod(SqliteStore.Text(r, "period")!) ?? BudgetPeriod.Day,
                Metric = Budget.ParseMetric(SqliteStore.Text(r, "metric")!) ?? BudgetMetric.Usd,
                Limit = decimal.Parse(SqliteStore.Text(r, "limit_value")!, NumberStyles.Float, CultureInfo.InvariantCulture),
                SoftPercent = SqliteStore.Int(r, "soft_percent"),
                Role = SqliteStore.Text(r, "role"),
                Agent = SqliteStore.Text(r, "agent"),
            });
        }

        return list;
    }

    public void Set(Budget budget, EventRecord recorded)
    {
        ArgumentNullException.ThrowIfNull(budget);
        ArgumentNullException.ThrowIfNull(recorded);
        _db.Write(() =>
        {
            // An upsert keeps the row (and its place in the list) when a budget is set again.
            using var cmd = _db.Command("""
                INSERT INTO budgets (key, period, metric, limit_value, soft_percent, role, agent, set_at)
                VALUES ($key, $period, $metric, $limit, $soft, $role, $agent, $at)
                ON CONFLICT(key) DO UPDATE SET limit_value = excluded.limit_value, soft_percent = excluded.soft_percent, set_at = excluded.set_at
                """);
            SqliteStore.Bind(cmd, "$key", budget.Key);
            SqliteStore.Bind(cmd, "$period", Budget.PeriodText(budget.Period));
            SqliteStore.Bind(cmd, "$metric", Budget.MetricText(budget.Metric));
            SqliteStore.Bind(cmd, "$limit", budget.Limit.ToString(CultureInfo.InvariantCulture));
            SqliteStore.Bind(cmd, "$soft", budget.SoftPercent);
            SqliteStore.Bind(cmd, "$role", budget.Role);
            SqliteStore.Bind(cmd, "$agent", budget.Agent);
            SqliteStore.Bind(cmd, "$at", SqliteStore.Format(recorded.Time));
            cmd.ExecuteNonQuery();
            _db.Insert(recorded);
        });
    }

    public int Remove(IReadOnlyCollection<string> keys, EventRecord recorded)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(recorded);
        var removed = 0;
        _db.Write(() =>
        {
            foreach (var key in keys)
            {
                using var cmd = _db.Command("DELETE FROM budgets WHERE key = $key");
                SqliteStore.Bind(cmd, "$key", key);
                removed += cmd.ExecuteNonQuery();
            }

            _db.Insert(recorded);
        });
        return removed;
    }
}
