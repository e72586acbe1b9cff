using System.Globalization;
using Baton.Core.Events;
using Baton.Core.Files;
using Baton.Core.Git;
using Baton.Core.Storage;
using Baton.Core.Tickets;

namespace Baton.Core.Merge;

/// <summary>What `baton gate` ran: the stored run, what the commands found, and the commit they tested.</summary>
public sealed record OnDemandGateResult(GateRun Run, GateOutcome Outcome, string Branch, string Commit);

/// <summary>
/// The quality gate run on demand (`baton gate T-3`, `baton gate --branch B`), recorded like the
/// autopilot's gate runs (a <c>gate_runs</c> row of kind <c>manual</c> and gate events). It tests
/// the branch's committed head in a scratch worktree of its own (<c>.baton/worktrees/_gate-N</c>),
/// so it may run while the ticket's agent works, and never in a folder another gate uses.
/// It moves no ticket: the autopilot's own gate decides what merges.
/// </summary>
public sealed class OnDemandGate
{
    public const string Kind = "manual";

    private readonly IGitWorktrees _worktrees;
    private readonly IGitBranches _branches;
    private readonly GateRunner _runner;
    private readonly IMergeStore _merges;
    private readonly IStore _store;
    private readonly ITicketStore _tickets;
    private readonly IFiles _files;
    private readonly TimeProvider _time;
    private readonly string _root;
    private readonly string _worktreesDir;

    public OnDemandGate(IGitWorktrees worktrees, IGitBranches branches, GateRunner runner, IMergeStore merges, IStore store, ITicketStore tickets, IFiles files, TimeProvider time, string root, string worktreesDir)
    {
        _worktrees = worktrees;
        _branches = branches;
        _runner = runner;
        _merges = merges;
        _store = store;
        _tickets = tickets;
        _files = files;
        _time = time;
        _root = root;
        _worktreesDir = worktreesDir;
    }

    /// <summary>Scratch folders of on-demand gates: named by their run, so a leftover is matched to its row.</summary>
    public static string ScratchName(long runId) => "_gate-" + runId.ToString(CultureInfo.InvariantCulture);

    public async Task<OnDemandGateResult> RunAsync(string? ticketRef, string? branch, Func<Ticket?, IReadOnlyList<string>> commandsFor, TimeSpan timeout, Action<string> progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(commandsFor);
        ArgumentNullException.ThrowIfNull(progress);
        if ((ticketRef is null) == (branch is null))
        {
            throw BatonException.Usage("name a ticket (`baton gate T-3`) or a branch (`baton gate --branch B`), not both");
        }

        Ticket? ticket = null;
        if (ticketRef is not null)
        {
            var number = TicketId.Parse(ticketRef);
            ticket = _tickets.GetTicket(number) ?? throw BatonException.Usage($"unknown ticket {TicketId.Format(number)}: `baton ticket list` shows the tickets");
            branch = ticket.Branch ?? throw BatonException.Usage($"{ticket.Id} has no branch yet (it has not been started): run the gate on a branch with `baton gate --branch B`");
        }

        var commands = commandsFor(ticket);
        if (commands.Count == 0)
        {
            throw BatonException.Usage("no gate commands are configured: add them as gate.commands in .baton/config.yaml (e.g. [\"dotnet test\"])");
        }

        branch = Git.GitRefName.ValidateBranch(branch!);
        var commit = _branches.Resolve(_root, "refs/heads/" + branch)
            ?? throw BatonException.Usage($"no branch '{branch}' in {_root} (`git branch --list` shows the branches there are)");

        var run = _merges.AddGateRun(new GateRun { Ticket = ticket?.Number, Worker = null, Branch = branch, Kind = Kind, Status = "running", StartedAt = _time.GetUtcNow() });
        var scratch = Path.Combine(_worktreesDir, ScratchName(run.Id));
        var label = ticket is null ? branch : $"{ticket.Id} ({branch})";
        Append(ticket, EventTypes.GateStarted, $"{label}: gate started on demand at {commit[..12]}: {string.Join(" && ", commands)}", run, commit);
        GateOutcome outcome;
        try
        {
            progress($"checking out {branch} at {commit[..12]} in {scratch}");
            _files.CreateDirectory(_worktreesDir);
            _worktrees.AddDetachedWorktree(_root, scratch, commit);
            progress($"running {commands.Count} gate command{(commands.Count == 1 ? "" : "s")}: {string.Join(" && ", commands)}");
            outcome = await _runner.RunAsync(scratch, commands, timeout, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _merges.FinishGateRun(run with { Status = "abandoned", Output = "stopped (Ctrl-C)", FinishedAt = _time.GetUtcNow() });
            RemoveScratch(scratch);
            throw;
        }
        catch (BatonException e)
        {
            outcome = new GateOutcome(false, null, null, null, e.Message, "the gate could not run: " + e.Message);
        }

        RemoveScratch(scratch);
        var finished = run with
        {
            Status = outcome.Passed ? "passed" : "failed",
            Passed = outcome.TestsPassed,
            Failed = outcome.TestsFailed,
            Skipped = outcome.TestsSkipped,
            Output = outcome.Output,
            FinishedAt = _time.GetUtcNow(),
        };
        _merges.FinishGateRun(finished);
        Append(ticket, outcome.Passed ? EventTypes.GatePassed : EventTypes.GateFailed, $"{label}: gate {(outcome.Passed ? "passed" : "failed")} on demand: {outcome.Summary}", finished, commit);
        return new OnDemandGateResult(finished, outcome, branch, commit);
    }

    private void RemoveScratch(string scratch)
    {
        try
        {
            if (_files.DirectoryExists(scratch))
            {
                _worktrees.RemoveWorktree(_root, scratch, force: true);
            }
        }
        catch (BatonException)
        {
            // git refused or the folder half exists: the folder goes, and prune forgets the worktree.
            _files.DeleteDirectory(scratch);
            _worktrees.Prune(_root);
        }
    }

    private void Append(Ticket? ticket, string type, string message, GateRun run, string commit) => _store.AppendEvent(new EventRecord
    {
        Time = _time.GetUtcNow(),
        Type = type,
        Ticket = ticket?.Id,
        Feature = ticket?.Feature,
        Message = message,
        Commit = commit,
        Metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["kind"] = Kind,
            ["gate_run"] = run.Id.ToString(CultureInfo.InvariantCulture),
            ["branch"] = run.Branch ?? "",
        },
    });
}
