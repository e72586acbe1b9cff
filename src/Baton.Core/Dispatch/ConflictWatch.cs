using Baton.Core.Conflicts;

namespace Baton.Core.Dispatch;

/// <summary>
/// The loop's conflict radar: each tick compares the heads of the live branches with the last
/// look (one git call); once they changed and stayed quiet for the debounce, a scan runs in the
/// background (git only), and the next tick records what it found and tells the agents involved.
/// The latest scan also tells the dispatcher which files live branches change.
/// </summary>
public sealed class ConflictWatch
{
    private readonly AutopilotContext _ctx;
    private readonly ConflictScanner _scanner;
    private string? _signature;
    private DateTimeOffset? _changedAt;
    private Task<ConflictScan>? _scan;

    public ConflictWatch(AutopilotContext context)
    {
        _ctx = context;
        _scanner = new ConflictScanner(context.Git);
    }

    /// <summary>The last completed scan, or null before the first.</summary>
    public ConflictScan? Latest { get; private set; }

    public Task? Running => _scan;

    public async Task StepAsync(TickReport report, CancellationToken ct)
    {
        if (!_ctx.Config.ConflictChecks || _ctx.Conflicts is not { } store)
        {
            return;
        }

        var service = new ConflictService(_ctx.Git, _ctx.Tickets, store, _ctx.Root, _ctx.Config.BaseBranch);
        if (_scan is { IsCompleted: true } done)
        {
            _scan = null;
            var scan = await done.ConfigureAwait(false); // a failure surfaces in the loop's guard
            Latest = scan;
            var delta = service.Record(scan, complete: true, _ctx.Time.GetUtcNow());
            foreach (var c in delta.Added)
            {
                report.Add($"conflict predicted ({c.Severity}): {c.BranchA} and {c.BranchB} in {string.Join(", ", c.Files)}");
            }

            foreach (var c in delta.Resolved)
            {
                report.Add($"conflict resolved: {c.BranchA} and {c.BranchB}");
            }

            if (_ctx.Config.ConflictNotify)
            {
                foreach (var (worker, message) in ConflictService.Notices(delta, scan))
                {
                    try
                    {
                        await _ctx.WorkerService().SendAsync(worker, message, ct).ConfigureAwait(false);
                    }
                    catch (BatonException e)
                    {
                        report.Add($"could not tell {worker} of a conflict: {e.Message}"); // it left meanwhile: the conflict stays recorded
                    }
                }
            }
        }

        var branches = service.LiveBranches();
        var heads = _ctx.Git.BranchHeads(_ctx.Root);
        var signature = string.Join('\n', branches.Select(b => $"{b.Name} {heads.GetValueOrDefault(b.Name)} {b.Target} {heads.GetValueOrDefault(b.Target ?? "")} {b.Worker}"));
        var now = _ctx.Time.GetUtcNow();
        if (signature != _signature)
        {
            _signature = signature;
            _changedAt = now;
        }

        if (_changedAt is { } since && _scan is null && now - since >= _ctx.Config.ConflictDebounce)
        {
            _changedAt = null;
            var root = _ctx.Root;
            _scan = Task.Run(() => _scanner.Scan(root, branches), CancellationToken.None);
        }
    }
}
