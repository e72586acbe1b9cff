using Baton.Core.Events;
using Baton.Core.Security;
using Baton.Core.Tests.Fakes;
using Baton.Core.Workers;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Baton.Core.Tests.Workers;

/// <summary>A starting agent's dialogs and ready prompt on the fake tmux and the fake clock: no test sleeps.</summary>
public sealed class StartupWatchTests
{
    private const string TrustDialog = "Do you trust the files in this folder? (y/n)";

    [Fact]
    public async Task A_start_up_dialog_is_answered_once_the_screen_settled_then_the_ready_prompt_ends_the_wait()
    {
        // Given an agent that shows the trust dialog and becomes ready when it is answered
        using var rig = new AutopilotRig();
        var (tmux, worker) = Start(rig, TrustDialog);
        var answeredAt = (DateTimeOffset?)null;
        tmux.OnKeys = (session, keys) =>
        {
            answeredAt ??= rig.Time.GetUtcNow();
            tmux.Show(session, "Welcome\n> ");
        };
        var t0 = rig.Time.GetUtcNow();

        // When the watch runs while the clock moves on
        var ready = await rig.Time.DriveAsync(() => Watch(rig).WaitReadyAsync(tmux, worker, rig.Profiles.Get("scripted"), CancellationToken.None), TimeSpan.FromSeconds(5));

        // Then the dialog was answered after 250 ms of a still screen (not at first sight), once, and the agent is idle
        Assert.NotNull(answeredAt);
        var after = answeredAt.Value - t0;
        Assert.InRange(after, TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(300));
        Assert.Equal(["keys baton-w1 y"], tmux.Log);
        Assert.Equal(WorkerState.Idle, ready.State);
        Assert.Equal(WorkerState.Idle, rig.Store.GetWorker("w1")!.State);
        Assert.Single(rig.Events(EventTypes.WorkerStartupAnswered));
        Assert.Single(rig.Events(EventTypes.WorkerReady));
    }

    [Fact]
    public async Task A_dialog_that_ignored_its_answer_is_answered_again_two_seconds_later_not_before()
    {
        using var rig = new AutopilotRig();
        var (tmux, worker) = Start(rig, TrustDialog);
        var answers = new List<DateTimeOffset>();
        tmux.OnKeys = (session, _) =>
        {
            answers.Add(rig.Time.GetUtcNow());
            if (answers.Count == 2)
            {
                tmux.Show(session, "> ");
            }
        };

        await rig.Time.DriveAsync(() => Watch(rig).WaitReadyAsync(tmux, worker, rig.Profiles.Get("scripted"), CancellationToken.None), TimeSpan.FromSeconds(10));

        Assert.Equal(2, answers.Count);
        Assert.InRange(answers[1] - answers[0], TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2.1));
        Assert.Equal(2, rig.Events(EventTypes.WorkerStartupAnswered).Count);
    }

    [Fact]
    public async Task An_agent_that_never_shows_its_prompt_fails_at_ready_timeout_and_is_left_running()
    {
        using var rig = new AutopilotRig();
        var (tmux, worker) = Start(rig, "loading the model...");
        var profile = rig.Profiles.Get("scripted");
        var t0 = rig.Time.GetUtcNow();

        var e = await Assert.ThrowsAsync<BatonException>(() => rig.Time.DriveAsync(() => Watch(rig).WaitReadyAsync(tmux, worker, profile, CancellationToken.None), profile.ReadyTimeout + TimeSpan.FromSeconds(1)));

        Assert.Contains($"did not show its ready prompt within {profile.ReadyTimeout.TotalSeconds:0}s", e.Message, StringComparison.Ordinal);
        Assert.True(rig.Time.GetUtcNow() - t0 >= profile.ReadyTimeout, "not before ready_timeout");
        Assert.Single(rig.Events(EventTypes.WorkerSpawnFailed));
        Assert.DoesNotContain(tmux.Log, l => l.StartsWith("kill", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_agent_that_exits_before_it_is_ready_is_recorded_exited_with_its_code_and_last_screen()
    {
        using var rig = new AutopilotRig();
        var (tmux, worker) = Start(rig, "");
        tmux.OnCapture = session =>
        {
            if (rig.Time.GetUtcNow() >= worker.CreatedAt + TimeSpan.FromMilliseconds(100))
            {
                tmux.Show(session, "error: no API key");
                tmux.Exit(session, 3);
            }
        };

        var e = await Assert.ThrowsAsync<BatonException>(() => rig.Time.DriveAsync(() => Watch(rig).WaitReadyAsync(tmux, worker, rig.Profiles.Get("scripted"), CancellationToken.None), TimeSpan.FromSeconds(5)));

        Assert.Contains("exited (code 3) before it was ready", e.Message, StringComparison.Ordinal);
        Assert.Contains("error: no API key", e.Message, StringComparison.Ordinal);
        var stored = rig.Store.GetWorker("w1")!;
        Assert.Equal(WorkerState.Exited, stored.State);
        Assert.Equal(3, stored.ExitCode);
    }

    private static StartupWatch Watch(AutopilotRig rig) => new(rig.Store, new Redactor([]), rig.Time);

    private static (FakeTmux Tmux, Worker Worker) Start(AutopilotRig rig, string screen)
    {
        var tmux = new FakeTmux(rig.Time);
        var worker = rig.AddWorker("w1", WorkerState.Starting);
        tmux.Add(worker.Session!, "w1", screen);
        return (tmux, worker);
    }
}
