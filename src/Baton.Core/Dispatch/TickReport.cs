namespace Baton.Core.Dispatch;

/// <summary>What one tick of the loop did, for the live view and the log.</summary>
public sealed class TickReport
{
    private readonly List<string> _actions = [];

    public IReadOnlyList<string> Actions => _actions;

    /// <summary>Ready tickets held back this tick, with the reason.</summary>
    public List<(string Ticket, string Reason)> Waiting { get; } = [];

    /// <summary>True when no ticket is open, queued, in progress, testing or in review any more.</summary>
    public bool AllSettled { get; set; }

    public void Add(string action) => _actions.Add(action);
}
