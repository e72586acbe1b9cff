using System.Text.RegularExpressions;
using Baton.Core.Git;
using Baton.Core.Merge;
using Baton.Core.Security;
using Baton.Core.Storage;
using Baton.Core.Tickets;

namespace Baton.Core.Synthesis;

/// <summary>
/// Gathers a <see cref="TicketDossier"/>. The diff of a ticket that landed is its merge commit
/// against the target's previous head (its first parent: the merge commit the queue made; with
/// the rebase strategy, the last replayed commit only, which is said); a branch that is still
/// there (done by hand, not merged) is diffed from where it left its target.
/// </summary>
public sealed partial class DossierBuilder
{
    public const int GateRuns = 3;
    public const int GateOutputChars = 2000;

    private readonly IMergeStore _merges;
    private readonly IGitPatches _patches;
    private readonly IGitBranches _branches;
    private readonly IGitHistory _history;
    private readonly string _root;
    private readonly Redactor _redactor;

    public DossierBuilder(IMergeStore merges, IGitPatches patches, IGitBranches branches, IGitHistory history, string root, Redactor redactor)
    {
        _merges = merges;
        _patches = patches;
        _branches = branches;
        _history = history;
        _root = root;
        _redactor = redactor;
    }

    /// <summary>What a branch without a recorded target left (autopilot.base_branch); null: the checkout's branch.</summary>
    public string? BaseBranch { get; init; }

    [GeneratedRegex("^[0-9a-f]{40,64}$")]
    private static partial Regex Sha();

    public IReadOnlyList<TicketDossier> Build(IReadOnlyList<Ticket> tickets, int maxPatchChars)
    {
        ArgumentNullException.ThrowIfNull(tickets);
        var merged = _merges.MergeRequests(openOnly: false)
            .Where(m => m.Ticket is not null && m.Status == MergeRequestStatus.Merged && m.Detail is { } d && Sha().IsMatch(d))
            .GroupBy(m => m.Ticket!.Value)
            .ToDictionary(g => g.Key, g => g.Last());
        return tickets.Select(t => One(t, merged.GetValueOrDefault(t.Number), maxPatchChars)).ToList();
    }

    private TicketDossier One(Ticket t, MergeRequest? merged, int maxPatchChars)
    {
        var gates = _merges.GateRuns(t.Number, GateRuns).Select(g => g with { Output = Tail(_redactor.Redact(g.Output), GateOutputChars) }).ToList();
        string from, to, source;
        if (merged is not null)
        {
            (from, to) = (merged.Detail! + "^1", merged.Detail!);
            source = $"{merged.Branch} as it landed in {merged.Target} ({merged.Detail![..12]} against its first parent)";
        }
        else if (t.Branch is { } branch && _branches.Resolve(_root, "refs/heads/" + branch) is { } head)
        {
            // Work done by hand on a branch has no target recorded: it goes into the base branch.
            var into = t.Target ?? BaseBranch ?? _branches.CurrentBranch(_root) ?? "main";
            var target = _branches.Resolve(_root, "refs/heads/" + into);
            var fork = target is null ? null : _history.CommonAncestor(_root, [target, head]);
            if (fork is null)
            {
                return new TicketDossier(t, gates, null, null, $"branch {branch} shares no history with {into}");
            }

            (from, to, source) = (fork, head, $"branch {branch} since it left {into} (not merged)");
        }
        else
        {
            return new TicketDossier(t, gates, null, null, t.Branch is null ? "no branch or merge recorded (done by hand?)" : $"branch {t.Branch} is gone and no merge was recorded");
        }

        try
        {
            var patch = _patches.Patch(_root, from, to, maxPatchChars);
            return new TicketDossier(t, gates, source, patch with { Text = _redactor.Redact(patch.Text) }, null);
        }
        catch (GitCommandFailedException e)
        {
            return new TicketDossier(t, gates, source, null, "git could not diff it: " + e.Message);
        }
    }

    private static string Tail(string text, int max) => text.Length <= max ? text : "…" + text[^max..];
}
