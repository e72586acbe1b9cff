using Baton.Core.Config;
using Baton.Core.Conflicts;
using Baton.Core.Git;
using Baton.Core.Storage;
using Baton.Core.Workers;

namespace Baton.Core.Dispatch;

/// <summary>
/// The loop's conflict radar: each tick compares the heads of the live branches with the last
/// look (one git call); once they changed and stayed quiet for the debounce, a scan runs in the
/// background (git only), and the next tick records what it found and tells the agents involved.
/// The latest scan also tells the dispatcher which files live branches change.
/// </summary>
public sealed class ConflictWatch
{
    private readonly AutopilotConfig _config;
    private readonly TimeProvider _time;
    private readonly IGit _git;
    private readonly IWorkerControl _workers;
    private readonly string _root;
    private readonly ConflictScanner _scanner;
    private readonly ConflictService? _service;
    private string? _signature;
    private DateTimeOffset? _changedAt;
    private Task<ConflictScan>? _scan;
    private string? _scanSignature;
    private string? _latestSignature;

    /// <param name="conflicts">Where predicted conflicts are kept; null: the loop does not look for them.</param>
    public ConflictWatch(AutopilotConfig config, TimeProvider time, IGit git, ITicketStore tickets, IConflictStore? conflicts, IWorkerControl workers, string root)
    {
        _config = config;
        _time = time;
        _git = git;
        _workers = workers;
        _root = root;
        _scanner = new ConflictScanner(git);
        _service = conflicts is { } store ? new ConflictService(git, tickets, store, root, config.BaseBranch) : null;
    }

    /// <summary>The last completed scan, or null before the first.</summary>
    public ConflictScan? Latest { get; private set; }

    public Task? Running => _scan;

    /// <summary>
    /// The live branches and what each changes, as they are now: the latest scan, or a new one
    /// made in the tick when a live branch moved since (holding on a stale picture would let two
    /// agents at the same files). Null when the loop has no conflict store.
    /// </summary>
    public ConflictScan? Current()
    {
        if (_service is null)
        {
            return null;
        }

        var (branches, signature) = Signature(_service);
        if (Latest is null || _latestSignature != signature)
        {
            Latest = _scanner.Scan(_root, branches);
            _latestSignature = signature;
        }

        return Latest;
    }

    /// <summary>Which live branch of <paramref name="scan"/> changes a file matching one of <paramref name="globs"/>, with that file.</summary>
    public static (LiveBranch Branch, string File)? Overlap(ConflictScan scan, IReadOnlyList<string> globs)
    {
        ArgumentNullException.ThrowIfNull(scan);
        ArgumentNullException.ThrowIfNull(globs);
        var patterns = globs.Select(g => Glob.ToRegex(g)).ToList();
        foreach (var branch in scan.Branches)
        {
            if (scan.Changed.TryGetValue(branch.Name, out var files) && files.FirstOrDefault(f => patterns.Any(p => p.IsMatch(f))) is { } file)
            {
                return (branch, file);
            }
        }

        return null;
    }

    public async Task StepAsync(TickReport report, CancellationToken ct)
    {
        if (!_config.ConflictChecks || _service is not { } service)
        {
            return;
        }

        if (_scan is { IsCompleted: true } done)
        {
            _scan = null;
            var scan = await done.ConfigureAwait(false); // a failure surfaces in the loop's guard
            Latest = scan;
            _latestSignature = _scanSignature;
            var delta = service.Record(scan, complete: true, _time.GetUtcNow());
            foreach (var c in delta.Added)
            {
                report.Add("conflict_predicted", null, null, $"conflict predicted ({c.Severity}): {c.BranchA} and {c.BranchB} in {string.Join(", ", c.Files)}");
            }

            foreach (var c in delta.Resolved)
            {
                report.Add("conflict_resolved", null, null, $"conflict resolved: {c.BranchA} and {c.BranchB}");
            }

            if (_config.ConflictNotify)
            {
                foreach (var (worker, message) in ConflictService.Notices(delta, scan))
                {
                    try
                    {
                        await _workers.SendAsync(worker, message, ct).ConfigureAwait(false);
                    }
                    catch (BatonException e)
                    {
                        report.Add("conflict_unreported", null, worker, $"could not tell {worker} of a conflict: {e.Message}"); // it left meanwhile: the conflict stays recorded
                    }
                }
            }
        }

        var (branches, signature) = Signature(service);
        var now = _time.GetUtcNow();
        if (signature != _signature)
        {
            _signature = signature;
            _changedAt = now;
        }

        if (_changedAt is { } since && _scan is null && now - since >= _config.ConflictDebounce)
        {
            _changedAt = null;
            var root = _root;
            _scanSignature = signature;
            _scan = Task.Run(() => _scanner.Scan(root, branches), CancellationToken.None);
        }
    }

    /// <summary>The live branches and a fingerprint of where they and their targets are: it changes with every new commit on any of them.</summary>
    private (IReadOnlyList<LiveBranch> Branches, string Signature) Signature(ConflictService service)
    {
        var heads = _git.BranchHeads(_root);
        var branches = service.LiveBranches(heads: heads);
        return (branches, string.Join('\n', branches.Select(b => $"{b.Name} {heads.GetValueOrDefault(b.Name)} {b.Target} {heads.GetValueOrDefault(b.Target ?? "")} {b.Worker}")));
    }
}
