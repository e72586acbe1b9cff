using Baton.Core.Config;
using Baton.Core.Dispatch;
using Baton.Core.Events;
using Baton.Core.Merge;
using Baton.Core.Processes;
using Baton.Core.Security;
using Baton.Core.Storage;
using Baton.Core.Tests.Fakes;
using Baton.Core.Tickets;
using Baton.Core.Workers;
using Xunit;

namespace Baton.Core.Tests.Dispatch;

/// <summary>A gate stopped with the autopilot has no outcome: not failed, not counted, run again later.</summary>
public sealed class GateStopPolicyTests
{
    [Fact]
    public async Task A_gate_stopped_with_the_loop_is_abandoned_not_failed_and_starts_no_other()
    {
        // Given a ticket in testing whose gate runs until it is stopped, with gate.retries: 0
        using var rig = new AutopilotRig { Config = new AutopilotConfig { GateCommands = ["make test"], GateRetries = 0 } };
        var ticket = rig.InProgress("t1-1");
        rig.AddWorker("t1-1", WorkerState.Busy, ticket.Number);
        rig.Git.HeadOf[ticket.Worktree!] = "c1";
        rig.Git.Ahead = (_, _, _) => 1;
        var runner = new UntilStopped();
        using var stopping = new CancellationTokenSource();
        var completion = Completion(rig, runner, stopping.Token);
        var now = rig.Time.GetUtcNow();
        rig.Tickets.Mutate(ticket.Number, t => new TicketMutation(t with { Status = TicketStatus.Testing, UpdatedAt = now }, []));
        await completion.StepAsync(new TickReport(), CancellationToken.None);
        await runner.Started.WaitAsync(TimeSpan.FromSeconds(10));

        // When the loop stops: the token is cancelled and the gate's run ends as cancelled
        await stopping.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Task.WhenAll(completion.Running));
        Assert.True(runner.SawCancellation);
        await completion.StepAsync(new TickReport(), CancellationToken.None);

        // Then the run is recorded abandoned, the ticket still waits in testing with no failure
        // counted, nothing went back to its agent, and no second gate started while stopping
        var run = Assert.Single(rig.Db.Merges.GateRuns(ticket.Number, 10));
        Assert.Equal("abandoned", run.Status);
        var after = rig.Ticket(ticket.Number);
        Assert.Equal(TicketStatus.Testing, after.Status);
        Assert.Equal(0, after.GateFailures);
        Assert.Empty(rig.Events(EventTypes.GateFailed));
        Assert.Empty(rig.Workers.Sent);
        Assert.Empty(completion.Running);
        Assert.Equal(1, runner.Calls);
    }

    private static GatesAndMerges Completion(AutopilotRig rig, IProcessRunner runner, CancellationToken stopping)
    {
        var life = rig.Life();
        var gate = new GateRunner(runner, new Redactor([]));
        var job = new MergeJob(rig.Git, rig.Git, rig.Git, rig.Git, gate, rig.Files);
        return new GatesAndMerges(rig.Config, rig.Time, rig.Db.Tickets, rig.Db.Merges, rig.Db.Store, rig.Results, rig.Git, rig.Git, rig.Git,
            gate, job, new Stacks(rig.Time, rig.Db.Tickets, rig.Git, life), life, rig.Paths, _ => { }, stopping);
    }

    /// <summary>A gate command that runs until its token is cancelled, as the real runner's kill ends it.</summary>
    private sealed class UntilStopped : IProcessRunner
    {
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _calls;

        public Task Started => _started.Task;

        public int Calls => Volatile.Read(ref _calls);

        public bool SawCancellation { get; private set; }

        public ProcessResult Run(ProcessRequest request) => throw new InvalidOperationException("the gate must run through RunAsync");

        public async Task<ProcessResult> RunAsync(ProcessRequest request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            _started.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                SawCancellation = true;
                throw;
            }

            throw new InvalidOperationException("unreachable");
        }
    }
}
