using Baton.Core.Git;

namespace Baton.Core.Merge;

/// <summary>
/// The merge queue's pipeline (<c>merge.prepare_ahead</c>): requests still land one at a time, each
/// by a checked fast-forward of its target, but while one lands the next ones are prepared, each
/// merged onto the commit the landing before it will produce (known as soon as that merge is
/// worked out, before its gate) and gated on the result in a scratch worktree of its own.
/// <para>
/// The rule: a prepared result is used only when the target is, when its turn comes, at exactly
/// the commit it was prepared on (the landing before it went as predicted); its gate then ran on
/// exactly the commit that lands, and the fast-forward checks the target once more. Anything else
/// (the landing before failed or was retried, someone moved the target, the queue's order changed)
/// discards it: its gate is stopped, and the request is merged and gated again on the target as it
/// is. So nothing lands whose gate did not pass against what lands.
/// </para>
/// Touches no store; owned by the loop thread (its tasks run in the background).
/// </summary>
public sealed class MergePipeline
{
    private readonly MergeJob _job;
    private readonly IGitBranches _branches;
    private readonly string _repo;
    private readonly int _depth;
    private readonly CancellationToken _stopping;
    private readonly List<Stage> _ahead = [];

    // Discarded preparations still stopping, by request: the next run for that request waits for
    // its scratch worktree to be gone (they share the folder).
    private readonly Dictionary<long, Task> _draining = [];

    // The commit the target will be at once the landing under way lands (null: none under way, or it lands nothing).
    private Task<string?>? _landing;

    private sealed record Stage(MergeCandidate Candidate, Task<string?> Onto, Task<PreparedMerge?> Task, Task<string?> Composed, CancellationTokenSource Cancel);

    /// <param name="depth">How many requests are prepared while one lands; 0: none (each is merged when its turn comes).</param>
    public MergePipeline(MergeJob job, IGitBranches branches, string repo, int depth, CancellationToken stopping)
    {
        _job = job;
        _branches = branches;
        _repo = repo;
        _depth = depth;
        _stopping = stopping;
    }

    /// <summary>Preparations under way or waiting for their turn, and discarded ones still stopping.</summary>
    public IEnumerable<Task> Running => _ahead.Select(s => (Task)s.Task).Concat(_draining.Values);

    /// <summary>The requests being prepared, in the order they are expected to land.</summary>
    public IReadOnlyList<long> Prepared => [.. _ahead.Select(s => s.Candidate.Request.Id)];

    /// <summary>
    /// Lands <paramref name="candidate"/>: its prepared result when it is the next one prepared and
    /// the target is where that preparation assumed (at once, on this thread, when it is ready),
    /// otherwise a fresh merge in the background. The preparations after it stay only when it used its own.
    /// </summary>
    public Task<MergeOutcome> Land(MergeCandidate candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        Prune();
        var request = candidate.Request;
        var stage = _ahead.Count > 0 && _ahead[0].Candidate.Request.Id == request.Id && _ahead[0].Candidate.Tested == candidate.Tested ? _ahead[0] : null;
        if (stage is null)
        {
            DiscardFrom(0);
            return Fresh(candidate, null);
        }

        _ahead.RemoveAt(0);
        var head = _branches.Resolve(_repo, "refs/heads/" + request.Target);
        var predicted = stage.Onto.IsCompletedSuccessfully ? stage.Onto.Result : null;
        if (predicted is null || predicted != head)
        {
            // The landing before it did not leave the target where this one was merged onto.
            var why = predicted is null ? "the merge before it landed nothing to build on" : $"{request.Target} is at {Short(head)}, not at {Short(predicted)} as predicted";
            Discard(stage);
            DiscardFrom(0); // each was built on this one
            return Fresh(candidate, "discarded: " + why);
        }

        _landing = stage.Composed;
        if (stage.Task.IsCompletedSuccessfully && stage.Task.Result is { } ready)
        {
            stage.Cancel.Dispose();
            return Task.FromResult(_job.Land(_repo, request, ready) with { Prepared = "used" });
        }

        return Task.Run(async () =>
        {
            try
            {
                var prepared = await stage.Task.ConfigureAwait(false);
                if (prepared is not null && _branches.Resolve(_repo, "refs/heads/" + request.Target) == prepared.Onto)
                {
                    return _job.Land(_repo, request, prepared) with { Prepared = "used" };
                }
            }
            catch (Exception e) when (e is BatonException or InvalidOperationException && !_stopping.IsCancellationRequested)
            {
                // It could not be prepared: merged afresh below.
            }
            finally
            {
                stage.Cancel.Dispose();
            }

            return await _job.RunAsync(_repo, candidate.Scratch, request, candidate.Tested, candidate.Message, candidate.GateCommands, candidate.GateTimeout, _stopping).ConfigureAwait(false)
                with { Prepared = "discarded: the target moved while it was prepared" };
        }, CancellationToken.None);
    }

    /// <summary>
    /// While a landing is under way: the requests expected to land after it, in order (the first
    /// <c>depth</c> are prepared). Those already prepared in the same order are kept; the rest are discarded.
    /// </summary>
    public void PrepareAhead(IReadOnlyList<MergeCandidate> next)
    {
        ArgumentNullException.ThrowIfNull(next);
        Prune();
        if (_landing is null || _depth == 0)
        {
            return;
        }

        var want = next.Take(_depth).ToList();
        var keep = 0;
        while (keep < _ahead.Count && keep < want.Count && _ahead[keep].Candidate.Request.Id == want[keep].Request.Id && _ahead[keep].Candidate.Tested == want[keep].Tested
            && _ahead[keep].Candidate.Request.Target == want[keep].Request.Target)
        {
            keep++;
        }

        DiscardFrom(keep);
        for (var i = keep; i < want.Count; i++)
        {
            _ahead.Add(Start(want[i], i == 0 ? _landing : _ahead[i - 1].Composed));
        }
    }

    /// <summary>Nothing is landing any more (the queue is empty or waits): every preparation goes.</summary>
    public void DiscardAll()
    {
        DiscardFrom(0);
        _landing = null;
    }

    private Stage Start(MergeCandidate c, Task<string?> onto)
    {
        var cancel = CancellationTokenSource.CreateLinkedTokenSource(_stopping);
        var composed = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var drain = _draining.GetValueOrDefault(c.Request.Id);
        var token = cancel.Token;
        var task = Task.Run(async () =>
        {
            try
            {
                await Settled(drain).ConfigureAwait(false);
                var at = await onto.WaitAsync(token).ConfigureAwait(false);
                if (at is null)
                {
                    return null;
                }

                return await _job.PrepareAsync(_repo, c.Scratch, c.Request, c.Tested, c.Message, c.GateCommands, c.GateTimeout, at, commit => composed.TrySetResult(commit), token).ConfigureAwait(false);
            }
            finally
            {
                composed.TrySetResult(null);
            }
        }, CancellationToken.None);
        return new Stage(c, onto, task, composed.Task, cancel);
    }

    private Task<MergeOutcome> Fresh(MergeCandidate c, string? prepared)
    {
        var composed = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        _landing = composed.Task;
        var drain = _draining.GetValueOrDefault(c.Request.Id);
        return Task.Run(async () =>
        {
            try
            {
                await Settled(drain).ConfigureAwait(false);
                var outcome = _job.Land(_repo, c.Request, await _job.PrepareAsync(_repo, c.Scratch, c.Request, c.Tested, c.Message, c.GateCommands, c.GateTimeout, null, commit => composed.TrySetResult(commit), _stopping).ConfigureAwait(false));
                return outcome with { Prepared = prepared };
            }
            finally
            {
                composed.TrySetResult(null);
            }
        }, CancellationToken.None);
    }

    private void DiscardFrom(int index)
    {
        foreach (var stage in _ahead.Skip(index).ToList())
        {
            Discard(stage);
        }

        _ahead.RemoveRange(Math.Min(index, _ahead.Count), _ahead.Count - Math.Min(index, _ahead.Count));
    }

    private void Discard(Stage stage)
    {
        stage.Cancel.Cancel();
        var id = stage.Candidate.Request.Id;
        var before = _draining.GetValueOrDefault(id);
        _draining[id] = Task.Run(async () =>
        {
            await Settled(before).ConfigureAwait(false);
            await Settled(stage.Task).ConfigureAwait(false);
            stage.Cancel.Dispose();
        }, CancellationToken.None);
    }

    private void Prune()
    {
        foreach (var id in _draining.Where(d => d.Value.IsCompleted).Select(d => d.Key).ToList())
        {
            _draining.Remove(id);
        }
    }

    /// <summary>Waits for a task to end however it ends (a stopped gate, a failed merge): only its scratch folder matters here.</summary>
    private static async Task Settled(Task? task)
    {
        if (task is null)
        {
            return;
        }

        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Its outcome is not wanted.
        }
    }

    private static string Short(string? commit) => commit is null ? "nothing" : commit[..Math.Min(12, commit.Length)];
}
