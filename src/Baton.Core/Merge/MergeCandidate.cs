namespace Baton.Core.Merge;

/// <summary>One queued request and how to merge it: the commit its gate passed on (null: the branch's head, untested), its scratch folder, message and gate.</summary>
public sealed record MergeCandidate(MergeRequest Request, string? Tested, string Scratch, string Message, IReadOnlyList<string> GateCommands, TimeSpan GateTimeout);
