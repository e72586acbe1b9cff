namespace Baton.Core.Dispatch;

/// <summary>What `baton nudge` did: <c>asked</c> an idle agent for its status or <c>nudged</c> a busy one, with the text typed and whether the submit was seen.</summary>
public sealed record NudgeOutcome(string Worker, string? Ticket, string Kind, string Text, bool Verified, string By);
