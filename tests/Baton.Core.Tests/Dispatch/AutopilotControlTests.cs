using Baton.Core.Config;
using Baton.Core.Dispatch;
using Baton.Core.Tests.Fakes;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Baton.Core.Tests.Dispatch;

public sealed class AutopilotControlTests
{
    private readonly WatchedClock _time = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly FakeLock _lock = new();
    private readonly FakeTmux _tmux;
    private readonly AutopilotControl _control;

    public AutopilotControlTests()
    {
        _tmux = new FakeTmux(_time);
        var config = BatonConfig.Default with { TmuxSocket = "bt" };
        _control = new AutopilotControl(_lock, () => _tmux, config, BatonPaths.ForRoot("/repo"), ["baton"], _time);
    }

    /// <summary>Moves the fake clock from one wait of the task to the next until it ends.</summary>
    private Task<T> Drive<T>(Func<Task<T>> start) => _time.DriveAsync(start, TimeSpan.FromSeconds(500));

    [Fact]
    public async Task Detach_starts_up_in_its_session_and_returns_once_the_new_process_holds_the_lock()
    {
        var start = _time.GetUtcNow();
        _lock.Other = () => _time.GetUtcNow() - start >= TimeSpan.FromSeconds(2) ? 777 : null;

        var pid = await Drive(() => _control.DetachAsync(untilDone: true, ["--dashboard", "--dashboard-port", "7788"], CancellationToken.None));

        Assert.Equal(777, pid);
        var created = Assert.Single(_tmux.Created);
        Assert.Equal("baton-autopilot", created.Session);
        Assert.Equal(["baton", "up", "--plain", "--until-done", "--dashboard", "--dashboard-port", "7788"], created.Command);
        Assert.Equal("bt", created.Environment["BATON_TMUX_SOCKET"]);
        Assert.Equal("tmux -L bt attach -t baton-autopilot", _control.AttachCommand);
    }

    [Fact]
    public async Task Detach_gives_up_after_its_bounded_wait_and_points_at_the_session()
    {
        var e = await Assert.ThrowsAsync<BatonException>(() => Drive(() => _control.DetachAsync(untilDone: false, [], CancellationToken.None)));

        Assert.Contains("the autopilot did not start; look at its session: tmux -L bt attach -t baton-autopilot", e.Message);
        Assert.True(_time.GetUtcNow() - DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture) >= AutopilotControl.StartTimeout);
    }

    [Fact]
    public async Task Down_signals_the_holder_waits_for_it_to_let_go_and_removes_the_session()
    {
        _tmux.Add("baton-autopilot");
        var stopped = false;
        _lock.Other = () => stopped ? null : 555;
        var stopping = Drive(() =>
        {
            var task = _control.StopAsync(CancellationToken.None);
            Assert.Equal([555], _lock.Terminated);
            stopped = true;
            return task;
        });

        Assert.Equal(555, await stopping);
        Assert.Empty(_tmux.ListSessions());
    }

    [Fact]
    public async Task Down_with_nothing_running_says_so()
    {
        Assert.Null(await _control.StopAsync(CancellationToken.None));
        Assert.Empty(_lock.Terminated);
    }
}
