using System.Text.RegularExpressions;
using Baton.Core.Agents;
using Baton.Core.Monitoring;
using Baton.Core.Workers;
using Xunit;

namespace Baton.Core.Tests.Monitoring;

public sealed class StateResolverTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private static readonly ScreenRules Rules = new() { Ready = new Regex("^> "), IdleDebounce = TimeSpan.FromMilliseconds(800) };

    private static Worker Worker(WorkerState state) => new()
    {
        Name = "w",
        Agent = "scripted",
        Mode = WorkerMode.Tmux,
        Session = "baton-w",
        Directory = "/repo",
        State = state,
        StateSince = Now.AddMinutes(-1),
        ObservedAt = Now.AddSeconds(-10),
        CreatedAt = Now.AddMinutes(-5),
    };

    [Fact]
    public void A_missing_session_means_lost()
    {
        var d = StateResolver.Decide(Worker(WorkerState.Busy), new Observation { Present = false }, Rules, Now);

        Assert.Equal(WorkerState.Lost, d.State);
        Assert.Contains("baton-w", d.Evidence);
    }

    [Fact]
    public void A_dead_pane_means_exited_with_its_code_whatever_the_screen_says()
    {
        var seen = new Observation { Present = true, Exited = true, ExitCode = 3, Screen = new ScreenVerdict(WorkerState.Idle, "screen") };

        var d = StateResolver.Decide(Worker(WorkerState.Busy), seen, Rules, Now);

        Assert.Equal((WorkerState.Exited, 3), (d.State, d.ExitCode));
    }

    [Fact]
    public void A_hook_report_outranks_the_screen()
    {
        var seen = new Observation
        {
            Present = true,
            Hook = new HookSignal(WorkerState.Waiting, Now, "hook: Notification permission_prompt"),
            Screen = new ScreenVerdict(WorkerState.Busy, "screen: busy"),
        };

        var d = StateResolver.Decide(Worker(WorkerState.Busy), seen, Rules, Now);

        Assert.Equal(WorkerState.Waiting, d.State);
        Assert.StartsWith("hook:", d.Evidence);
    }

    [Fact]
    public void Idle_on_screen_counts_only_once_the_screen_has_been_still()
    {
        var verdict = new ScreenVerdict(WorkerState.Idle, "screen: ready");
        var justPrinted = new Observation { Present = true, Screen = verdict, LastOutput = Now.AddMilliseconds(-300) };
        var stillFor2s = new Observation { Present = true, Screen = verdict, LastOutput = Now.AddSeconds(-2) };

        var settling = StateResolver.Decide(Worker(WorkerState.Busy), justPrinted, Rules, Now);
        Assert.False(settling.Changed);
        Assert.True(settling.Settling);
        var d = StateResolver.Decide(Worker(WorkerState.Busy), stillFor2s, Rules, Now);
        Assert.Equal(WorkerState.Idle, d.State);
        Assert.True(d.Changed);
    }

    [Fact]
    public void Busy_and_waiting_are_taken_at_once()
    {
        var seen = new Observation { Present = true, Screen = new ScreenVerdict(WorkerState.Waiting, "screen: [y/n]"), LastOutput = Now };

        Assert.Equal(WorkerState.Waiting, StateResolver.Decide(Worker(WorkerState.Idle), seen, Rules, Now).State);
    }

    [Fact]
    public void No_evidence_keeps_the_state_and_ended_workers_never_change()
    {
        var nothing = new Observation { Present = true, Screen = new ScreenVerdict(null, "screen: no pattern matched") };

        Assert.False(StateResolver.Decide(Worker(WorkerState.Busy), nothing, Rules, Now).Changed);
        Assert.False(StateResolver.Decide(Worker(WorkerState.Killed), new Observation { Present = false }, Rules, Now).Changed);
    }

    [Fact]
    public void A_headless_worker_paused_at_its_rate_limit_stays_paused_when_its_process_has_ended()
    {
        var paused = Worker(WorkerState.Paused) with { Mode = WorkerMode.Headless, Session = null, Pid = 4242, ExitCode = 1 };

        var d = StateResolver.Decide(paused, new Observation { Present = false }, Rules, Now);

        Assert.False(d.Changed);
        Assert.Equal(WorkerState.Paused, d.State);
    }
}
