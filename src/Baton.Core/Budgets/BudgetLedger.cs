using Baton.Core.Dispatch;

namespace Baton.Core.Budgets;

/// <summary>
/// Admits tickets against the budgets for one dispatch round. Each daily budget's committed spend
/// is what its scope spent today plus, for every ticket running in it, what that ticket is still
/// expected to spend (its expected spend, <see cref="BudgetBook.Expected"/>, less what it spent so
/// far). A ticket starts only if its own expected spend still fits under every daily budget that
/// covers it, and is then reserved there, so agents started together cannot jointly overshoot:
/// what passes the limit is only what running tickets spend beyond their expectation, their last
/// turns. A ticket that spent its per-ticket budget is not started again. Used on one thread.
/// </summary>
public sealed class BudgetLedger
{
    private readonly IReadOnlyList<Budget> _budgets;
    private readonly BudgetBook _book;
    private readonly Dictionary<string, decimal> _spent = new(StringComparer.Ordinal);
    private readonly Dictionary<string, decimal> _reserved = new(StringComparer.Ordinal);
    private readonly HashSet<long> _spentOut = [];

    /// <param name="running">The tickets in progress (being started included), with the role and profile they run as.</param>
    public BudgetLedger(IReadOnlyList<Budget> budgets, BudgetBook book, IReadOnlyList<(long Ticket, string? Role, string Agent)> running)
    {
        ArgumentNullException.ThrowIfNull(budgets);
        ArgumentNullException.ThrowIfNull(book);
        ArgumentNullException.ThrowIfNull(running);
        _budgets = budgets;
        _book = book;
        foreach (var b in budgets.Where(b => b.Period == BudgetPeriod.Day))
        {
            _spent[b.Key] = book.Today(b).Of(b.Metric);
            _reserved[b.Key] = running.Where(r => b.Covers(r.Role, r.Agent)).Sum(r => Remaining(b, r.Ticket, r.Role, r.Agent));
        }
    }

    /// <summary>What the daily budget's scope spent today.</summary>
    public decimal Spent(Budget budget) => _spent.GetValueOrDefault(budget?.Key ?? "");

    /// <summary>What the daily budget holds back for the tickets running (and admitted) in its scope.</summary>
    public decimal Reserved(Budget budget) => _reserved.GetValueOrDefault(budget?.Key ?? "");

    /// <summary>
    /// Tickets refused because a budget is spent for them today (or for good, per ticket), not
    /// because running tickets hold its room: nothing that finishes today lets them start.
    /// </summary>
    public IReadOnlySet<long> SpentOut => _spentOut;

    /// <summary>Null, and the ticket's expected spend reserved, when it may start; otherwise why not.</summary>
    public string? Admit(DispatchCandidate candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        var ticket = candidate.Ticket;
        foreach (var b in _budgets.Where(b => b.Period == BudgetPeriod.Ticket && b.Covers(candidate.Role, candidate.Agent)))
        {
            var spent = _book.Ticket(ticket.Number).Of(b.Metric);
            if (spent >= b.Limit)
            {
                _spentOut.Add(ticket.Number);
                return $"{ticket.Id} spent {b.Format(spent)} of its {b.Name} of {b.Format(b.Limit)} (hard limit)";
            }
        }

        var take = new List<(string Key, decimal Amount)>();
        foreach (var b in _budgets.Where(b => b.Period == BudgetPeriod.Day && b.Covers(candidate.Role, candidate.Agent)))
        {
            var spent = _spent[b.Key];
            var reserved = _reserved[b.Key];
            if (spent >= b.Limit)
            {
                _spentOut.Add(ticket.Number);
                return $"the {b.Name} is spent: {b.Format(spent)} of {b.Format(b.Limit)} today (hard limit)";
            }

            var expected = Remaining(b, ticket.Number, candidate.Role, candidate.Agent);
            if (spent + reserved + expected > b.Limit || (expected == 0 && spent + reserved >= b.Limit))
            {
                if (reserved == 0)
                {
                    _spentOut.Add(ticket.Number); // nothing running will give room back today
                }

                return $"the {b.Name} has {b.Format(b.Limit - spent)} left today, {b.Format(reserved)} of it reserved for running tickets;"
                    + $" {ticket.Id} is expected to spend {b.Format(expected)}";
            }

            take.Add((b.Key, expected));
        }

        foreach (var (key, amount) in take)
        {
            _reserved[key] += amount;
        }

        return null;
    }

    /// <summary>What the ticket is still expected to spend of the budget's metric.</summary>
    private decimal Remaining(Budget b, long ticket, string? role, string agent) =>
        Math.Max(0, _book.Expected(b, b.Metric, role, agent, _budgets) - _book.Ticket(ticket).Of(b.Metric));
}
