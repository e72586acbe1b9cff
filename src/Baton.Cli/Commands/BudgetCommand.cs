using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Baton.Cli.Host;
using Baton.Cli.Rendering;
using Baton.Core;
using Baton.Core.Budgets;
using Baton.Core.Config;

namespace Baton.Cli.Commands;

/// <summary>
/// `baton budget [--json]`: every budget against its spend, what holds launches back and why;
/// `baton budget set --daily-usd 20 --per-ticket-tokens 2000000 [--soft PCT] [--role R] [--agent A]`;
/// `baton budget clear [--daily-usd ...] [--role R] [--agent A] [--all]`.
/// </summary>
internal static class BudgetCommand
{
    /// <summary>The six budgets by flag: period, metric, and what a value means.</summary>
    private static readonly (string Flag, BudgetPeriod Period, BudgetMetric Metric, string Means)[] Kinds =
    [
        ("--daily-usd", BudgetPeriod.Day, BudgetMetric.Usd, "Dollars a day (local calendar day), as the agents report cost"),
        ("--daily-tokens", BudgetPeriod.Day, BudgetMetric.Tokens, "Tokens a day (fresh input, cache writes and output)"),
        ("--daily-wall", BudgetPeriod.Day, BudgetMetric.Wall, "Agent wall time a day, e.g. 8h (summed over the agents)"),
        ("--per-ticket-usd", BudgetPeriod.Ticket, BudgetMetric.Usd, "Dollars per ticket, over all its attempts"),
        ("--per-ticket-tokens", BudgetPeriod.Ticket, BudgetMetric.Tokens, "Tokens per ticket, over all its attempts"),
        ("--per-ticket-wall", BudgetPeriod.Ticket, BudgetMetric.Wall, "Agent wall time per ticket, e.g. 45m"),
    ];

    public static Command Create()
    {
        var command = new Command("budget", "Spend against every budget, and what is held back and why") { CommandRunner.Json, Set(), Clear() };
        CommandRunner.Bind(command, (parse, host, _) =>
        {
            var overview = host.Budgets().Overview();
            if (parse.GetValue(CommandRunner.Json))
            {
                host.Out.WriteLine(JsonSerializer.Serialize(Json(overview, host.Config.Handoff.Windows), CliJson.Readable.BudgetJson));
                return Task.FromResult(0);
            }

            Print(host, overview);
            return Task.FromResult(0);
        });
        return command;
    }

    private static Command Set()
    {
        var values = Kinds.Select(k => new Option<string?>(k.Flag) { Description = k.Means }).ToList();
        var soft = new Option<int?>("--soft") { Description = "Percent of the limit at which a person is told (default budgets.soft_percent)" };
        var role = new Option<string?>("--role") { Description = "Only this role's work" };
        var agent = new Option<string?>("--agent") { Description = "Only this agent profile's work" };
        var set = new Command("set", "Set budgets (one per flag given); setting one again replaces it") { soft, role, agent, CommandRunner.Json };
        foreach (var v in values)
        {
            set.Options.Add(v);
        }

        CommandRunner.Bind(set, (parse, host, _) =>
        {
            var (r, a) = Scope(host, parse.GetValue(role), parse.GetValue(agent));
            var made = new List<Budget>();
            for (var i = 0; i < Kinds.Length; i++)
            {
                if (parse.GetValue(values[i]) is { } text)
                {
                    made.Add(new Budget { Period = Kinds[i].Period, Metric = Kinds[i].Metric, Limit = Limit(Kinds[i].Flag, Kinds[i].Metric, text), SoftPercent = parse.GetValue(soft), Role = r, Agent = a });
                }
            }

            if (made.Count == 0)
            {
                throw BatonException.Usage("give at least one budget: " + string.Join(", ", Kinds.Select(k => k.Flag + " N")));
            }

            var service = host.Budgets();
            foreach (var b in made)
            {
                service.Set(b);
            }

            var lines = service.Overview().Budgets.Where(l => made.Any(b => b.Key == l.Budget.Key)).ToList();
            host.Out.WriteLine(parse.GetValue(CommandRunner.Json)
                ? JsonSerializer.Serialize(lines.Select(Json).ToList(), CliJson.Readable.ListBudgetLineJson)
                : string.Join('\n', made.Select(b => $"{b.Name}: {b.Format(b.Limit)} (soft at {b.SoftOr(host.Config.Budgets.SoftPercent)}%)")));
            return Task.FromResult(0);
        });
        return set;
    }

    private static Command Clear()
    {
        var which = Kinds.Select(k => new Option<bool>(k.Flag) { Description = "Clear the " + k.Flag[2..] + " budgets" }).ToList();
        var role = new Option<string?>("--role") { Description = "Only this role's budgets" };
        var agent = new Option<string?>("--agent") { Description = "Only this agent profile's budgets" };
        var all = new Option<bool>("--all") { Description = "Every budget the other options match (all of them when none is given)" };
        var clear = new Command("clear", "Remove budgets: those of the kinds and scope given") { role, agent, all, CommandRunner.Json };
        foreach (var w in which)
        {
            clear.Options.Add(w);
        }

        CommandRunner.Bind(clear, (parse, host, _) =>
        {
            var chosen = Kinds.Where((_, i) => parse.GetValue(which[i])).ToList();
            var service = host.Budgets();
            var gone = new List<Budget>();
            if (chosen.Count == 0)
            {
                gone.AddRange(service.Clear(null, null, parse.GetValue(role), parse.GetValue(agent), parse.GetValue(all)));
            }

            foreach (var k in chosen)
            {
                gone.AddRange(service.Clear(k.Period, k.Metric, parse.GetValue(role), parse.GetValue(agent), all: true));
            }

            if (parse.GetValue(CommandRunner.Json))
            {
                host.Out.WriteLine(JsonSerializer.Serialize(gone.Select(b => b.Key).ToList(), CliJson.Readable.ListString));
                return Task.FromResult(0);
            }

            host.Out.WriteLine(gone.Count == 0 ? "no budget matched (`baton budget` lists them)" : string.Join('\n', gone.Select(b => $"cleared the {b.Name}")));
            return Task.FromResult(0);
        });
        return clear;
    }

    /// <summary>A role and a profile that exist (a budget on a misspelt one would never apply).</summary>
    private static (string? Role, string? Agent) Scope(CliHost host, string? role, string? agent)
    {
        if (role is not null)
        {
            _ = host.Workers().RoleSetup().Roles.Catalog.GetRole(role);
        }

        if (agent is not null)
        {
            _ = host.Profiles.Get(agent);
        }

        return (role, agent);
    }

    private static decimal Limit(string flag, BudgetMetric metric, string text)
    {
        if (metric == BudgetMetric.Wall)
        {
            return Durations.Parse(text, bareSeconds: false) is { } t && t > TimeSpan.Zero
                ? (decimal)t.TotalSeconds
                : throw BatonException.Usage($"{flag} takes a duration such as 45m or 8h (got '{text}')");
        }

        return decimal.TryParse(text.TrimStart('$'), NumberStyles.Number, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw BatonException.Usage($"{flag} takes a number above 0 (got '{text}')");
    }

    private static void Print(CliHost host, BudgetOverview o)
    {
        if (o.Budgets.Count == 0)
        {
            host.Out.WriteLine("budgets: none (set one with `baton budget set --daily-usd 20`)");
        }
        else
        {
            host.Out.WriteLine($"{"BUDGET",-44} {"SPENT",16} {"RESERVED",16} {"LIMIT",16} STATE");
            foreach (var l in o.Budgets)
            {
                var name = l.Ticket is { } t ? "  " + t : l.Budget.Name;
                host.Out.WriteLine($"{name,-44} {l.Budget.Format(l.Spent),16} {(l.Budget.Period == BudgetPeriod.Day ? l.Budget.Format(l.Reserved) : l.Ticket is null ? "(dearest)" : "-"),16} {l.Budget.Format(l.Budget.Limit),16} {l.State}{(l.State == "soft" ? $" (past {l.SoftPercent}%)" : "")}");
            }
        }

        host.Out.WriteLine("held: " + (o.Held.Count == 0 ? "nothing" : ""));
        foreach (var (scope, why) in o.Held)
        {
            host.Out.WriteLine($"  {scope}: {why}");
        }

        foreach (var w in o.Windows)
        {
            host.Out.WriteLine($"window: {w.Agent} {w.Window} {w.UsedPercent.ToString("0.#", CultureInfo.InvariantCulture)}% used" + (w.ResetsAt is { } at ? $", resets {at.ToLocalTime():yyyy-MM-dd HH:mm}" : ""));
        }

        if (o.Profiles.Count > 0)
        {
            host.Out.WriteLine($"{"PROFILE",-18} {"RUNS",5} {"TOKENS",12} {"COST $",10} {"CACHE HIT",9}");
            foreach (var p in o.Profiles)
            {
                host.Out.WriteLine($"{p.Key,-18} {p.Runs,5} {p.Tokens.Budgeted,12} {(p.Tokens.CostUsd is { } c ? c.ToString("0.0000", CultureInfo.InvariantCulture) : "-"),10} {(p.Tokens.CacheHitRate is { } h ? h.ToString("P0", CultureInfo.InvariantCulture) : "-"),9}");
            }
        }
    }

    private static BudgetJson Json(BudgetOverview o, IReadOnlyDictionary<string, long> windows) => new(
        o.At, o.DayStart, o.Budgets.Select(Json).ToList(), o.Held.Select(h => new BudgetHoldJson(h.Scope, h.Why)).ToList(),
        o.Windows.Select(w => new UsageWindowJson(w.Agent, w.Window, w.UsedPercent, w.ResetsAt, w.At)).ToList(),
        o.Profiles.Select(p => UsageCommand.Json(p, windows)).ToList());

    private static BudgetLineJson Json(BudgetLine l) => new(
        l.Budget.Key, Budget.PeriodText(l.Budget.Period), Budget.MetricText(l.Budget.Metric), l.Budget.Role, l.Budget.Agent, l.Ticket,
        l.Budget.Limit, l.Spent, l.Reserved, l.Left, l.SoftPercent, l.State,
        $"{(l.Ticket is { } t ? t + ": " : "")}{l.Budget.Format(l.Spent)} of {l.Budget.Format(l.Budget.Limit)}");
}
