using Baton.Core.Git;
using Baton.Core.Merge;
using Baton.Core.Tickets;

namespace Baton.Core.Synthesis;

/// <summary>
/// What a finished ticket left behind, for a reviewer of several tickets: the ticket (summary,
/// artifacts, note), its latest gate runs, and its diff (where it came from, or why there is none).
/// </summary>
public sealed record TicketDossier(Ticket Ticket, IReadOnlyList<GateRun> Gates, string? DiffSource, GitPatch? Diff, string? NoDiff);
