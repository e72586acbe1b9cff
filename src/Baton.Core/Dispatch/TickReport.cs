namespace Baton.Core.Dispatch;

/// <summary>What one tick of the loop did, for the live view and the log.</summary>
public sealed class TickReport
{
    private static readonly IReadOnlyDictionary<string, string> NoFields = new Dictionary<string, string>();
    private readonly List<TickAction> _items = [];

    /// <summary>The lines the plain view prints, one per action.</summary>
    public IReadOnlyList<string> Actions => _items.Select(i => i.Message).ToList();

    /// <summary>The actions with their kind, ticket, worker and values.</summary>
    public IReadOnlyList<TickAction> Items => _items;

    /// <summary>Ready tickets held back this tick, with the reason.</summary>
    public List<(string Ticket, string Reason)> Waiting { get; } = [];

    /// <summary>
    /// Tickets waiting to start that never can without a person: a dependency failed or was
    /// cancelled, or the role, agent or worker they name does not exist. With the reason.
    /// </summary>
    public List<(string Ticket, string Reason)> Stuck { get; } = [];

    /// <summary>The node is away from its store (lost, not reconnected yet): nothing of it can be read now.</summary>
    public bool StoreAway { get; set; }

    /// <summary>True when no ticket is open, queued, in progress, testing or in review any more.</summary>
    public bool AllSettled { get; set; }

    /// <summary>A line that concerns no ticket or worker in particular.</summary>
    public void Add(string action) => Add("note", null, null, action);

    public void Add(string type, string? ticket, string? worker, string message, IReadOnlyDictionary<string, string>? fields = null) =>
        _items.Add(new TickAction(type, ticket, worker, message, fields ?? NoFields));
}
