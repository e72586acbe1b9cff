using System.Text.RegularExpressions;
using Baton.Core.Events;
using Baton.Core.Git;
using Baton.Core.Storage;

namespace Baton.Core.Tickets;

/// <summary>
/// `baton feature init`: a feature's integration branch <c>feature/NAME/overseer</c> and one
/// branch per implementor <c>feature/NAME/impl-X</c>, all made from the base branch, and the
/// feature registered with that base. Idempotent: what exists is kept, what is missing is made.
/// The feature's tickets then branch from and merge into the overseer branch; the overseer branch
/// merges into the base.
/// </summary>
public sealed partial class FeatureBranches
{
    private readonly IGit _git;
    private readonly ITicketStore _tickets;
    private readonly IStore _store;
    private readonly TimeProvider _time;
    private readonly string _root;

    public FeatureBranches(IGit git, ITicketStore tickets, IStore store, TimeProvider time, string root)
    {
        _git = git;
        _tickets = tickets;
        _store = store;
        _time = time;
        _root = root;
    }

    public static string Overseer(string feature) => $"feature/{feature}/overseer";

    public static string Implementor(string feature, string implementor) => $"feature/{feature}/impl-{implementor}";

    /// <summary>
    /// A feature's own branches (its overseer branch and implementor branches) live as long as the
    /// feature: the tickets worked on them come and go, so no clean-up deletes them when merged.
    /// </summary>
    public static bool IsLongLived(string? branch) => branch is not null && LongLivedPattern().IsMatch(branch);

    /// <summary>An implementor's name (<c>--implementor</c>, <c>--implementors</c>): it becomes part of a branch name.</summary>
    public static string ValidateImplementor(string name, string option = "--implementor")
    {
        ArgumentNullException.ThrowIfNull(name);
        return ImplementorPattern().IsMatch(name) ? name
            : throw BatonException.Usage($"invalid implementor name '{name}' in {option}: use lowercase letters, digits and '-' (e.g. data,api,ui)");
    }

    /// <summary>
    /// The git remote the fleet's clones share (`baton node` on a shared store): the feature's
    /// branches are taken from it or pushed to it (<see cref="Nodes.SharedRemote.Share"/>), so a
    /// node in another clone finds them. Null: this clone alone.
    /// </summary>
    public Nodes.SharedRemote? Remote { get; init; }

    public FeatureInitResult Init(string name, string? title, IReadOnlyList<string> implementors, string? baseBranch, string? configuredBase)
    {
        ArgumentNullException.ThrowIfNull(implementors);
        TicketService.ValidateFeatureName(name);
        foreach (var impl in implementors)
        {
            ValidateImplementor(impl, "--implementors");
        }

        var existing = _tickets.GetFeature(name);
        var baseName = baseBranch ?? existing?.BaseBranch ?? configuredBase ?? _git.CurrentBranch(_root)
            ?? throw new BatonException($"the repository at {_root} has a detached HEAD: give the base branch with --base");
        if (existing?.BaseBranch is { } kept && baseBranch is not null && kept != baseBranch)
        {
            throw BatonException.Usage($"feature '{name}' already branches from {kept}, not {baseBranch}");
        }

        // On a fleet the base is the remote's, brought here first, and the feature's branches are shared.
        Remote?.SyncTarget(GitRefName.ValidateBranch(baseName));
        var start = _git.Resolve(_root, "refs/heads/" + GitRefName.ValidateBranch(baseName))
            ?? throw BatonException.Usage($"base branch '{baseName}' does not exist: give an existing one with --base");
        var now = _time.GetUtcNow();
        if (existing is null)
        {
            _tickets.AddFeature(new Feature(name, string.IsNullOrWhiteSpace(title) ? name : title.Trim(), "", now) { BaseBranch = baseName },
                new EventRecord { Time = now, Type = EventTypes.FeatureAdded, Feature = name, Message = $"feature {name} added, branching from {baseName}" });
        }
        else if (existing.BaseBranch is null)
        {
            _tickets.SetFeature(existing with { BaseBranch = baseName },
                new EventRecord { Time = now, Type = EventTypes.FeatureAdded, Feature = name, Message = $"feature {name} now branches from {baseName}" });
        }

        var heads = _git.BranchHeads(_root);
        var branches = new List<(string Branch, bool Created)>();
        foreach (var branch in new[] { Overseer(name) }.Concat(implementors.Distinct(StringComparer.Ordinal).Select(i => Implementor(name, i))))
        {
            var created = Remote is { } remote ? remote.Share(branch, start) : !heads.ContainsKey(branch);
            if (created && Remote is null)
            {
                _git.CreateBranch(_root, branch, start);
            }

            branches.Add((branch, created));
        }

        var made = branches.Where(b => b.Created).Select(b => b.Branch).ToList();
        if (made.Count > 0)
        {
            _store.AppendEvent(new EventRecord { Time = now, Type = EventTypes.FeatureBranchesCreated, Feature = name, Message = $"feature {name}: created {string.Join(", ", made)} from {baseName}" });
        }

        return new FeatureInitResult(name, baseName, branches);
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,39}$")]
    private static partial Regex ImplementorPattern();

    [GeneratedRegex("^feature/[^/]+/(overseer|impl-[a-z0-9][a-z0-9-]{0,39})$")]
    private static partial Regex LongLivedPattern();
}
