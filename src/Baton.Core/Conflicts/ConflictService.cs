using System.Globalization;
using Baton.Core.Events;
using Baton.Core.Git;
using Baton.Core.Storage;
using Baton.Core.Tickets;

namespace Baton.Core.Conflicts;

/// <summary>
/// The conflict radar: which branches are live (tickets not finished, feature branches, branches
/// named on the command line), what a scan of them predicts, and what that changes in the store:
/// new conflicts and conflicts that went away, each with its event, and the messages the agents
/// involved should get. The same service serves `baton conflicts` and the autopilot.
/// </summary>
public sealed class ConflictService
{
    private readonly IGit _git;
    private readonly ITicketStore _tickets;
    private readonly IConflictStore _store;
    private readonly string _root;
    private readonly string? _baseBranch;

    public ConflictService(IGit git, ITicketStore tickets, IConflictStore store, string root, string? baseBranch)
    {
        _git = git;
        _tickets = tickets;
        _store = store;
        _root = root;
        _baseBranch = baseBranch;
    }

    /// <summary>
    /// Live branches: each unfinished ticket's branch (merging into its target), each active
    /// feature's branches (<c>feature/NAME/overseer</c> into the base branch, the others into the
    /// overseer), and local branches matching <paramref name="globs"/> (into the base branch).
    /// With <paramref name="feature"/>, only that feature's tickets and branches. <paramref name="heads"/>:
    /// the branch heads when the caller has just read them.
    /// </summary>
    public IReadOnlyList<LiveBranch> LiveBranches(string? feature = null, IReadOnlyList<string>? globs = null, IReadOnlyDictionary<string, string>? heads = null, string? against = null)
    {
        var list = new List<LiveBranch>();
        foreach (var t in _tickets.ListTickets(new TicketQuery(Feature: feature) { Unfinished = true }).Where(t => t.Branch is not null).OrderBy(t => t.Number))
        {
            list.Add(new LiveBranch(t.Branch!, t.Target ?? Base(), t.Id, t.Status == TicketStatus.InProgress ? t.Assignee : null, t.Feature));
        }

        heads ??= _git.BranchHeads(_root);
        foreach (var f in feature is null ? _tickets.Features().Where(f => f.Status == Feature.Active) : _tickets.GetFeature(feature) is { } one ? [one] : [])
        {
            var prefix = $"feature/{f.Name}/";
            var overseer = prefix + "overseer";
            foreach (var branch in heads.Keys.Where(b => b.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
            {
                list.Add(new LiveBranch(branch, branch == overseer ? f.BaseBranch ?? Base() : overseer, Feature: f.Name));
            }
        }

        foreach (var glob in globs ?? [])
        {
            var regex = Glob.ToRegex(glob);
            var target = against ?? Base();
            list.AddRange(heads.Keys.Where(b => regex.IsMatch(b) && b != target).Order(StringComparer.Ordinal).Select(b => new LiveBranch(b, target)));
        }

        return list.DistinctBy(b => b.Name).ToList();
    }

    /// <summary>
    /// Stores what <paramref name="scan"/> found: new conflicts are recorded, changed ones
    /// updated, and active ones it no longer finds resolved. A conflict between branches the scan
    /// did not look at stays as it is, unless <paramref name="complete"/> (a scan of every live
    /// branch: then a branch that is no longer live has no conflicts left).
    /// </summary>
    public ConflictDelta Record(ConflictScan scan, bool complete, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(scan);
        var scope = scan.Branches.Select(b => b.Name).Concat(scan.Branches.Select(b => b.Target).OfType<string>()).ToHashSet(StringComparer.Ordinal);
        var owners = scan.Branches.ToDictionary(b => b.Name, StringComparer.Ordinal);
        return _store.Sync(now, active =>
        {
            var found = scan.Conflicts.ToDictionary(c => c.Key, StringComparer.Ordinal);
            var known = active.ToDictionary(c => c.Key, StringComparer.Ordinal);
            var added = scan.Conflicts.Where(c => !known.ContainsKey(c.Key)).ToList();
            var changed = active.Where(c => found.TryGetValue(c.Key, out var f) && (f.Severity != c.Severity || !f.Files.SequenceEqual(c.Files, StringComparer.Ordinal)))
                .Select(c => (c, found[c.Key])).ToList();
            var resolved = active.Where(c => !found.ContainsKey(c.Key) && (complete || (scope.Contains(c.BranchA) && scope.Contains(c.BranchB)))).ToList();
            var events = new List<EventRecord>();
            foreach (var c in added.Concat(changed.Select(x => x.Item2)))
            {
                events.Add(Event(EventTypes.ConflictDetected, c.BranchA, c.BranchB, c.Files, c.Severity, owners, now,
                    $"{Describe(c.BranchA, owners)} and {Describe(c.BranchB, owners)} would conflict in {Files(c.Files)} ({c.Severity})"));
            }

            foreach (var c in resolved)
            {
                events.Add(Event(EventTypes.ConflictResolved, c.BranchA, c.BranchB, c.Files, c.Severity, owners, now,
                    $"{Describe(c.BranchA, owners)} and {Describe(c.BranchB, owners)} no longer conflict"));
            }

            return new ConflictDelta(added, changed, resolved, events);
        });
    }

    /// <summary>The messages to send: each agent working on a branch of a new (or changed) conflict hears which files collide with whom.</summary>
    public static IReadOnlyList<(string Worker, string Message)> Notices(ConflictDelta delta, ConflictScan scan)
    {
        ArgumentNullException.ThrowIfNull(delta);
        ArgumentNullException.ThrowIfNull(scan);
        var owners = scan.Branches.ToDictionary(b => b.Name, StringComparer.Ordinal);
        var notices = new List<(string, string)>();
        foreach (var c in delta.Added.Concat(delta.Changed.Select(x => x.Now)))
        {
            foreach (var (mine, theirs) in new[] { (c.BranchA, c.BranchB), (c.BranchB, c.BranchA) })
            {
                if (!owners.TryGetValue(mine, out var me) || me.Worker is null)
                {
                    continue;
                }

                var advice = c.Severity == PredictedConflict.Critical
                    ? $"{theirs} changed them since you branched: merge it into your branch now (git merge {theirs}), resolve, and commit."
                    : $"Whichever lands second has to resolve it: keep your changes to these files small and focused.";
                notices.Add((me.Worker, $"Baton conflict warning for {me.Ticket ?? mine}: your branch {mine} and {Describe(theirs, owners)} both change {Files(c.Files)}; merging them would conflict. {advice}"));
            }
        }

        return notices;
    }

    private string Base() => _baseBranch ?? _git.CurrentBranch(_root) ?? "main";

    private static string Describe(string branch, IReadOnlyDictionary<string, LiveBranch> owners) =>
        owners.TryGetValue(branch, out var b) && b.Ticket is not null ? $"{b.Ticket} ({branch})" : branch;

    private static string Files(IReadOnlyList<string> files) =>
        files.Count <= 5 ? string.Join(", ", files) : string.Join(", ", files.Take(5)) + string.Create(CultureInfo.InvariantCulture, $" and {files.Count - 5} more");

    private static EventRecord Event(string type, string a, string b, IReadOnlyList<string> files, string severity, IReadOnlyDictionary<string, LiveBranch> owners, DateTimeOffset now, string message)
    {
        owners.TryGetValue(a, out var oa);
        owners.TryGetValue(b, out var ob);
        var metadata = new Dictionary<string, string>
        {
            ["branch_a"] = a,
            ["branch_b"] = b,
            ["files"] = string.Join(",", files),
            ["severity"] = severity,
        };
        if (ob?.Ticket is { } other)
        {
            metadata["ticket_b"] = other;
        }

        return new EventRecord { Time = now, Type = type, Ticket = oa?.Ticket ?? ob?.Ticket, Feature = oa?.Feature ?? ob?.Feature, Worker = oa?.Worker, Message = message, Metadata = metadata };
    }
}
