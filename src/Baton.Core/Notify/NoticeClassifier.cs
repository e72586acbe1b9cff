using Baton.Core.Events;

namespace Baton.Core.Notify;

/// <summary>
/// Which events a person should hear of, and how urgently (pure). Urgent: a worker waits for a
/// human, a ticket failed. Action: stalled past its nudges (restarted or failed for it), a merge
/// that cannot land or failed, a feature merge or pull request that failed, a budget crossed.
/// Info: merged, a conflict predicted. Everything else (and Baton's own notification_* events) is
/// not a notice.
/// </summary>
public static class NoticeClassifier
{
    public static Notice? Classify(EventRecord e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var kind = e.Metadata?.GetValueOrDefault("kind");
        var (priority, name) = (e.Type, kind) switch
        {
            (EventTypes.Notification, "needs_human") => (NotificationPriority.Urgent, "needs_human"),
            (EventTypes.Notification, "human_question") => (NotificationPriority.Urgent, "human_question"),
            (EventTypes.Notification, "ticket_failed") => (NotificationPriority.Urgent, "ticket_failed"),
            (EventTypes.Notification, "merge_waiting") => (NotificationPriority.Action, "merge_waiting"),
            (EventTypes.Notification, "feature_merge_failed") => (NotificationPriority.Action, "feature_merge_failed"),
            (EventTypes.Notification, "pr_closed") => (NotificationPriority.Action, "pr_closed"),
            (EventTypes.Notification, "budget_crossed") => (NotificationPriority.Action, "budget_crossed"),
            (EventTypes.Notification, _) => (NotificationPriority.Action, kind ?? "notification"),
            (EventTypes.WorkerRestarted, _) => (NotificationPriority.Action, "stalled"),
            (EventTypes.MergeFailed, _) => (NotificationPriority.Action, "merge_failed"),
            (EventTypes.PrMerged or EventTypes.Merged, _) => (NotificationPriority.Info, "merged"),
            (EventTypes.FeatureMerged, _) => (NotificationPriority.Info, "feature_merged"),
            (EventTypes.ConflictDetected, _) => (NotificationPriority.Info, "conflict_predicted"),
            _ => ((NotificationPriority?)null, ""),
        };
        if (priority is not { } p)
        {
            return null;
        }

        var subject = e.Ticket ?? e.Worker ?? e.Feature ?? "baton";
        var title = $"[{p.ToText()}] {subject}: {Describe(name)}";

        // One notice per situation: the same ticket in the same kind of trouble is one situation
        // until it is acknowledged; a conflict is one per pair of branches (its message names them).
        var key = name == "conflict_predicted" ? $"{name}:{e.Message}" : $"{name}:{subject}";
        return new Notice(e.Id, e.Time, p, name, title, e.Message, key) { Ticket = e.Ticket, Worker = e.Worker };
    }

    private static string Describe(string kind) => kind switch
    {
        "needs_human" => "a worker is waiting for a person",
        "human_question" => "an agent asks a person (answer: baton inbox answer N)",
        "ticket_failed" => "ticket failed",
        "merge_waiting" => "merge cannot land yet",
        "feature_merge_failed" => "feature merge failed",
        "pr_closed" => "pull request closed without merging",
        "budget_crossed" => "budget crossed",
        "stalled" => "stalled past its nudges, restarted",
        "merge_failed" => "merge failed",
        "merged" => "merged",
        "feature_merged" => "feature merged",
        "conflict_predicted" => "conflict predicted",
        _ => kind.Replace('_', ' '),
    };
}
