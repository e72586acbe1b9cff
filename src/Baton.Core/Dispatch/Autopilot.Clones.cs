using Baton.Core.Tickets;

namespace Baton.Core.Dispatch;

/// <summary>The autopilot as a node with a clone of its own (nodes.remote): what other nodes did that this clone must follow.</summary>
public sealed partial class Autopilot
{
    private MergedElsewhere? _mergedElsewhere;

    /// <summary>Done tickets whose worktree is in this clone (another node may have merged them) go to the clean-up, which removes the merged ones.</summary>
    private void CleanUpMergedElsewhere(IReadOnlyList<Ticket> all, TickReport report)
    {
        if (_ctx.Remote is not { } remote)
        {
            return;
        }

        _mergedElsewhere ??= new MergedElsewhere(remote.Owns, _ctx.Files.DirectoryExists);
        foreach (var t in _mergedElsewhere.Due(all))
        {
            _background.CleanUpLater(t);
            report.Add("cleanup", t.Id, null, $"{t.Id}: done; its worktree in this clone goes once its branch is in {t.Target}");
        }
    }
}
