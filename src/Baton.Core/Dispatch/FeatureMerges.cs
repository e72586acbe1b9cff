using Baton.Core.Config;
using Baton.Core.Events;
using Baton.Core.Merge;
using Baton.Core.Storage;
using Baton.Core.Tickets;

namespace Baton.Core.Dispatch;

/// <summary>
/// The overseer's merge: a feature's integration branch <c>feature/NAME/overseer</c>, queued with
/// `baton merge --feature NAME`, lands in the feature's base branch through the same merge job as
/// tickets (merge-tree, the gate on the result in a scratch worktree, a checked fast-forward), one
/// at a time. There is no agent to send a failure back to: a conflict or a failed gate is a
/// notification for the overseer or a person, and the request leaves the queue.
/// </summary>
public sealed class FeatureMerges
{
    private const int MaxTries = 10;
    private readonly AutopilotConfig _config;
    private readonly TimeProvider _time;
    private readonly ITicketStore _tickets;
    private readonly IMergeStore _merges;
    private readonly MergeJob _job;
    private readonly BatonPaths _paths;
    private readonly Dictionary<long, (int Tries, DateTimeOffset NotBefore)> _waits = [];
    private (MergeRequest Request, Task<MergeOutcome> Task)? _running;
    private readonly CancellationToken _stopping;

    public FeatureMerges(AutopilotConfig config, TimeProvider time, ITicketStore tickets, IMergeStore merges, MergeJob job, BatonPaths paths, CancellationToken stopping = default)
    {
        _config = config;
        _time = time;
        _tickets = tickets;
        _merges = merges;
        _job = job;
        _paths = paths;
        _stopping = stopping;
    }

    public Task? Running => _running?.Task;

    public static string? FeatureOf(MergeRequest request) =>
        request is { Ticket: null } && request.Branch.StartsWith("feature/", StringComparison.Ordinal) && request.Branch.EndsWith("/overseer", StringComparison.Ordinal)
            ? request.Branch["feature/".Length..^"/overseer".Length]
            : null;

    public void Step(TickReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (_running is { } run)
        {
            if (!run.Task.IsCompleted)
            {
                return;
            }

            _running = null;
            if (!run.Task.IsCanceled)
            {
                Landed(run.Request, run.Task, report); // a stopped merge has no outcome: it stays queued
            }
        }

        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        var now = _time.GetUtcNow();
        foreach (var mr in _merges.MergeRequests(openOnly: true).Where(m => m.Kind == MergeRequestKind.Local && FeatureOf(m) is not null))
        {
            if (_waits.TryGetValue(mr.Id, out var wait) && wait.NotBefore > now)
            {
                continue;
            }

            var feature = FeatureOf(mr)!;
            var scratch = Path.Combine(_paths.WorktreesDir, $"_merge-{mr.Id}");
            var message = $"Merge feature {feature} into {mr.Target}\n\nIntegration branch {mr.Branch} merged by Baton after the gate passed on the result.";
            var (commands, timeout) = (_config.GateCommandsFor("overseer"), _config.GateTimeout);
            var stopping = _stopping;
            _running = (mr, Task.Run(() => _job.RunAsync(_paths.Root, scratch, mr, null, message, commands, timeout, stopping), CancellationToken.None));
            report.Add("feature_merging", null, null, $"feature {feature}: merging {mr.Branch} into {mr.Target}");
            return;
        }
    }

    private void Landed(MergeRequest mr, Task<MergeOutcome> task, TickReport report)
    {
        var now = _time.GetUtcNow();
        var feature = FeatureOf(mr)!;
        var outcome = task.IsCompletedSuccessfully ? task.Result : new MergeOutcome(MergeOutcome.Retry, "the merge could not run: " + task.Exception?.GetBaseException().Message);
        if (outcome.Result == MergeOutcome.Retry)
        {
            var tries = (_waits.TryGetValue(mr.Id, out var w) ? w.Tries : 0) + 1;
            _waits[mr.Id] = (tries, now + RetryPolicy.Delay(tries, TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(2)));
            if (tries < MaxTries)
            {
                report.Add($"feature {feature}: {outcome.Detail}");
                return;
            }

            outcome = outcome with { Result = "failed", Detail = $"{outcome.Detail} (gave up after {tries} tries)" };
        }

        _waits.Remove(mr.Id);
        if (outcome.Result == MergeOutcome.Merged)
        {
            _merges.SaveMergeRequest(mr with { Status = MergeRequestStatus.Merged, Detail = outcome.Commit, UpdatedAt = now }, new EventRecord
            {
                Time = now,
                Type = EventTypes.Merged,
                Feature = feature,
                Message = $"feature {feature}: {outcome.Detail}",
                Metadata = new Dictionary<string, string> { ["commit"] = outcome.Commit ?? "", ["target"] = mr.Target },
            });
            if (_tickets.GetFeature(feature) is { } f)
            {
                _tickets.SetFeature(f with { Status = "merged" }, new EventRecord { Time = now, Type = EventTypes.FeatureMerged, Feature = feature, Message = $"feature {feature} merged into {mr.Target}" });
            }

            report.Add($"feature {feature}: {outcome.Detail}");
            return;
        }

        var why = outcome.Files is { Count: > 0 } files
            ? $"{outcome.Detail}. Merge {mr.Target} into {mr.Branch}, resolve, commit, and queue it again with `baton merge --feature {feature}`."
            : $"{outcome.Detail}. Fix it on {mr.Branch} and queue it again with `baton merge --feature {feature}`.";
        _merges.SaveMergeRequest(mr with { Status = outcome.Result == MergeOutcome.Conflict ? MergeRequestStatus.Conflict : MergeRequestStatus.Failed, Detail = outcome.Detail, UpdatedAt = now }, new EventRecord
        {
            Time = now,
            Type = EventTypes.Notification,
            Feature = feature,
            Message = $"feature {feature}: {why}",
            Metadata = new Dictionary<string, string> { ["kind"] = "feature_merge_failed" },
        });
        report.Add($"feature {feature}: {outcome.Detail}");
    }
}
