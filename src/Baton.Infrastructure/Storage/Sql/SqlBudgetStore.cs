using System.Globalization;
using Baton.Core.Budgets;
using Baton.Core.Events;
using System.Data.Common;

namespace Baton.Infrastructure.Storage.Sql;

/// <summary>Budgets (table budgets) in the store (SQLite or PostgreSQL). Limits are stored as invariant text: dollars keep their cents exactly.</summary>
public sealed class SqlBudgetStore : IBudgetStore
{
    private readonly SqlStore _db;

    public SqlBudgetStore(SqlStore db)
    {
        _db = db;
    }

    public IReadOnlyList<Budget> List()
    {
        using var cmd = _db.Command($"SELECT * FROM budgets ORDER BY {_db.InsertionOrder}");
        using var r = cmd.ExecuteReader();
        var list = new List<Budget>();
        while (r.Read())
        {
            list.Add(new Budget
            {
                Period = Budget.ParsePeriod(SqlStore.Text(r, "period")!) ?? BudgetPeriod.Day,
                Metric = Budget.ParseMetric(SqlStore.Text(r, "metric")!) ?? BudgetMetric.Usd,
                Limit = decimal.Parse(SqlStore.Text(r, "limit_value")!, NumberStyles.Float, CultureInfo.InvariantCulture),
                SoftPercent = SqlStore.Int(r, "soft_percent"),
                Role = SqlStore.Text(r, "role"),
                Agent = SqlStore.Text(r, "agent"),
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
                VALUES (@key, @period, @metric, @limit, @soft, @role, @agent, @at)
                ON CONFLICT(key) DO UPDATE SET limit_value = excluded.limit_value, soft_percent = excluded.soft_percent, set_at = excluded.set_at
                """);
            SqlStore.Bind(cmd, "@key", budget.Key);
            SqlStore.Bind(cmd, "@period", Budget.PeriodText(budget.Period));
            SqlStore.Bind(cmd, "@metric", Budget.MetricText(budget.Metric));
            SqlStore.Bind(cmd, "@limit", budget.Limit.ToString(CultureInfo.InvariantCulture));
            SqlStore.Bind(cmd, "@soft", budget.SoftPercent);
            SqlStore.Bind(cmd, "@role", budget.Role);
            SqlStore.Bind(cmd, "@agent", budget.Agent);
            SqlStore.Bind(cmd, "@at", SqlStore.Format(recorded.Time));
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
                using var cmd = _db.Command("DELETE FROM budgets WHERE key = @key");
                SqlStore.Bind(cmd, "@key", key);
                removed += cmd.ExecuteNonQuery();
            }

            _db.Insert(recorded);
        });
        return removed;
    }
}
