namespace Baton.Core.Notify;

/// <summary>How soon a person should hear of something; ordered, so a rule can take "action and above".</summary>
public enum NotificationPriority
{
    /// <summary>Good to know: merged, a conflict predicted.</summary>
    Info = 0,

    /// <summary>Someone should act soon: stalled past its nudges, a merge failed, a budget crossed.</summary>
    Action = 1,

    /// <summary>A person is needed now: a worker waits for a human, a ticket failed.</summary>
    Urgent = 2,
}
