using System.Globalization;
using System.Text.RegularExpressions;
using Baton.Core.Conflicts;
using Baton.Core.Tickets;

namespace Baton.Core.Planning;

/// <summary>
/// Checks a plan before anything is filed (pure): keys, titles, acceptance checks, roles, paths,
/// dependencies (unknown, on itself, cycles) and predicted file overlap between tickets that could
/// run at the same time (neither reaches the other through dependencies), with the conflict
/// radar's path rules (<see cref="GlobOverlap"/>). Every problem is reported, each at its JSON path.
/// </summary>
public static partial class PlanValidator
{
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex KeyPattern();

    [GeneratedRegex("^[Tt]-[0-9]+$")]
    private static partial Regex TicketPattern();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,49}$")]
    private static partial Regex LabelPattern();

    /// <param name="roleExists">Whether a role name is known; null: roles are not checked.</param>
    /// <param name="ticketExists">Whether an existing ticket (T-n) may be depended on; null: none may.</param>
    public static IReadOnlyList<PlanError> Validate(PlanGraph graph, Func<string, bool>? roleExists, Func<long, bool>? ticketExists)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var errors = new List<PlanError>();
        var tickets = graph.Tickets;
        if (tickets.Count == 0)
        {
            errors.Add(new PlanError(PlanErrorKinds.NoGraph, "$.tickets", "no tickets: a plan needs at least one"));
            return errors;
        }

        var keys = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < tickets.Count; i++)
        {
            CheckTicket(tickets[i], At(i), keys, i, roleExists, errors);
        }

        var edges = Dependencies(tickets, keys, ticketExists, errors);
        Cycles(tickets, edges, errors);
        Overlaps(tickets, edges, errors);
        return errors;
    }

    private static void CheckTicket(PlannedTicket t, string at, Dictionary<string, int> keys, int index, Func<string, bool>? roleExists, List<PlanError> errors)
    {
        if (t.Key.Trim().Length == 0)
        {
            errors.Add(new PlanError(PlanErrorKinds.MissingKey, at + ".key", "missing: give every ticket a short unique key (e.g. \"api\") that depends_on can name"));
        }
        else if (TicketPattern().IsMatch(t.Key) || !KeyPattern().IsMatch(t.Key))
        {
            errors.Add(new PlanError(PlanErrorKinds.InvalidValue, at + ".key", $"invalid key \"{t.Key}\": use letters, digits, '.', '_' or '-' (at most 64), not the form T-n (that names an existing ticket)"));
        }
        else if (!keys.TryAdd(t.Key, index))
        {
            errors.Add(new PlanError(PlanErrorKinds.DuplicateKey, at + ".key", $"duplicate key \"{t.Key}\" (already used by {At(keys[t.Key])})"));
        }

        if (t.Title.Trim().Length == 0)
        {
            errors.Add(new PlanError(PlanErrorKinds.EmptyTitle, at + ".title", "empty title: say in one line what the ticket does"));
        }
        else if (t.Title.AsSpan().IndexOfAny('\n', '\r') >= 0)
        {
            errors.Add(new PlanError(PlanErrorKinds.MultiLineTitle, at + ".title", "the title has more than one line (it becomes a merge commit's subject): keep it to one line and put the rest in body"));
        }

        if (t.Acceptance.Count == 0 || t.Acceptance.All(a => a.Trim().Length == 0))
        {
            errors.Add(new PlanError(PlanErrorKinds.MissingAcceptance, at + ".acceptance", "no acceptance checks: list at least one way to know the ticket is done (a test that passes, a command's output)"));
        }
        else
        {
            for (var j = 0; j < t.Acceptance.Count; j++)
            {
                if (t.Acceptance[j].Trim().Length == 0)
                {
                    errors.Add(new PlanError(PlanErrorKinds.MissingAcceptance, $"{at}.acceptance[{Num(j)}]", "empty acceptance check"));
                }
            }
        }

        if (t.Role is { } role && roleExists is not null && !roleExists(role))
        {
            errors.Add(new PlanError(PlanErrorKinds.UnknownRole, at + ".role", $"unknown role \"{role}\" (`baton role list` shows the roles); leave it out for the default, or use speciality for a kind of work"));
        }

        if (t.Priority is { } priority)
        {
            try
            {
                Priorities.Parse(priority);
            }
            catch (BatonException)
            {
                errors.Add(new PlanError(PlanErrorKinds.InvalidValue, at + ".priority", $"unknown priority \"{priority}\": use critical, high, medium or low"));
            }
        }

        if (t.Speciality is { } speciality && !LabelPattern().IsMatch("speciality:" + speciality))
        {
            errors.Add(new PlanError(PlanErrorKinds.InvalidValue, at + ".speciality", $"invalid speciality \"{speciality}\": one word of letters, digits and - _ . (it becomes the label speciality:{speciality})"));
        }

        for (var j = 0; j < t.Labels.Count; j++)
        {
            if (!LabelPattern().IsMatch(t.Labels[j]))
            {
                errors.Add(new PlanError(PlanErrorKinds.InvalidValue, $"{at}.labels[{Num(j)}]", $"invalid label \"{t.Labels[j]}\": use letters, digits and - _ . : / (at most 50)"));
            }
        }

        for (var j = 0; j < t.Paths.Count; j++)
        {
            var p = t.Paths[j].Trim();
            if (p.Length == 0 || p.StartsWith('/') || p.Split('/').Contains(".."))
            {
                errors.Add(new PlanError(PlanErrorKinds.InvalidPath, $"{at}.paths[{Num(j)}]", $"invalid path \"{t.Paths[j]}\": give globs relative to the repository root, such as src/api/** or docs/*.md"));
            }
        }
    }

    /// <summary>Each ticket's dependencies inside the plan (indexes), with unknown and self references reported.</summary>
    private static List<List<(int Target, int Position)>> Dependencies(IReadOnlyList<PlannedTicket> tickets, Dictionary<string, int> keys, Func<long, bool>? ticketExists, List<PlanError> errors)
    {
        var edges = new List<List<(int, int)>>();
        for (var i = 0; i < tickets.Count; i++)
        {
            var mine = new List<(int, int)>();
            for (var j = 0; j < tickets[i].DependsOn.Count; j++)
            {
                var name = tickets[i].DependsOn[j].Trim();
                var at = $"{At(i)}.depends_on[{Num(j)}]";
                if (TicketPattern().IsMatch(name))
                {
                    var number = TicketId.Parse(name);
                    if (ticketExists is null || !ticketExists(number))
                    {
                        errors.Add(new PlanError(PlanErrorKinds.UnknownDependency, at, $"unknown ticket \"{name}\": no such ticket in the store"));
                    }
                }
                else if (!keys.TryGetValue(name, out var target))
                {
                    var known = keys.Count == 0 ? "none" : string.Join(", ", keys.Keys.Select(k => "\"" + k + "\""));
                    errors.Add(new PlanError(PlanErrorKinds.UnknownDependency, at, $"unknown ticket \"{name}\" (the plan's keys: {known})"));
                }
                else if (target == i)
                {
                    errors.Add(new PlanError(PlanErrorKinds.SelfDependency, at, $"\"{name}\" depends on itself"));
                }
                else if (!mine.Any(e => e.Item1 == target))
                {
                    mine.Add((target, j));
                }
            }

            edges.Add(mine);
        }

        return edges;
    }

    /// <summary>Every cycle once, reported at the dependency that closes it, named by its keys.</summary>
    private static void Cycles(IReadOnlyList<PlannedTicket> tickets, List<List<(int Target, int Position)>> edges, List<PlanError> errors)
    {
        // 0 unvisited, 1 on the current path, 2 finished.
        var state = new int[tickets.Count];
        var path = new List<int>();
        var reported = new HashSet<string>(StringComparer.Ordinal);
        void Visit(int node)
        {
            state[node] = 1;
            path.Add(node);
            foreach (var (target, position) in edges[node])
            {
                if (state[target] == 1)
                {
                    var cycle = path.Skip(path.IndexOf(target)).Append(target).Select(n => tickets[n].Key).ToList();
                    var signature = string.Join(",", cycle.Skip(1).Order(StringComparer.Ordinal));
                    if (reported.Add(signature))
                    {
                        errors.Add(new PlanError(PlanErrorKinds.Cycle, $"{At(node)}.depends_on[{Num(position)}]",
                            $"dependency cycle: {string.Join(" -> ", cycle)} (each waits for the next, so none could start): drop one of these dependencies"));
                    }
                }
                else if (state[target] == 0)
                {
                    Visit(target);
                }
            }

            path.RemoveAt(path.Count - 1);
            state[node] = 2;
        }

        for (var i = 0; i < tickets.Count; i++)
        {
            if (state[i] == 0)
            {
                Visit(i);
            }
        }
    }

    /// <summary>Two tickets neither of which waits for the other may run at once: their paths must not overlap.</summary>
    private static void Overlaps(IReadOnlyList<PlannedTicket> tickets, List<List<(int Target, int Position)>> edges, List<PlanError> errors)
    {
        var reach = new List<HashSet<int>>();
        for (var i = 0; i < tickets.Count; i++)
        {
            var seen = new HashSet<int>();
            var stack = new Stack<int>(edges[i].Select(e => e.Target));
            while (stack.Count > 0)
            {
                var n = stack.Pop();
                if (seen.Add(n))
                {
                    foreach (var e in edges[n])
                    {
                        stack.Push(e.Target);
                    }
                }
            }

            reach.Add(seen);
        }

        for (var b = 1; b < tickets.Count; b++)
        {
            for (var a = 0; a < b; a++)
            {
                if (reach[a].Contains(b) || reach[b].Contains(a))
                {
                    continue;
                }

                if (FirstOverlap(tickets[a].Paths, tickets[b].Paths) is var (pa, pb) && pa >= 0)
                {
                    var key = tickets[a].Key.Length > 0 ? $"\"{tickets[a].Key}\"" : At(a);
                    errors.Add(new PlanError(PlanErrorKinds.Overlap, $"{At(b)}.paths[{Num(pb)}]",
                        $"\"{tickets[b].Paths[pb]}\" overlaps \"{tickets[a].Paths[pa]}\" of ticket {key} ({At(a)}.paths[{Num(pa)}]), and neither depends on the other, so they could run in parallel and conflict: add a dependency between them, or narrow the paths"));
                }
            }
        }
    }

    private static (int A, int B) FirstOverlap(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        for (var j = 0; j < b.Count; j++)
        {
            for (var i = 0; i < a.Count; i++)
            {
                if (a[i].Trim().Length > 0 && b[j].Trim().Length > 0 && GlobOverlap.Overlaps(a[i], b[j]))
                {
                    return (i, j);
                }
            }
        }

        return (-1, -1);
    }

    private static string At(int i) => "$.tickets[" + Num(i) + "]";

    private static string Num(int i) => i.ToString(CultureInfo.InvariantCulture);
}
