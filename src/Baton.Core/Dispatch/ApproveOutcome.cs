namespace Baton.Core.Dispatch;

/// <summary>What `baton approve` did: the keys pressed to answer the permission question it saw.</summary>
public sealed record ApproveOutcome(string Worker, string? Ticket, string Question, IReadOnlyList<string> Keys, string By);
