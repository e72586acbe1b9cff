using Baton.Core.Tmux;
using Baton.Infrastructure.Processes;
using Baton.Infrastructure.Tmux;
using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Tmux;

/// <summary>tmux's refusals mapped onto Core's types, on a private server (-L).</summary>
public sealed class TmuxFailureTests : IDisposable
{
    private readonly string _socket = "bt-fail-" + Guid.NewGuid().ToString("N")[..10];
    private readonly TmuxClient _tmux;

    public TmuxFailureTests()
    {
        _tmux = new TmuxClient(new ProcessRunner(), _socket);
    }

    public void Dispose() => TmuxSockets.Stop(_socket);

    private void KillServer() =>
        TestRepo.Run("tmux", ["-L", _socket, "kill-server"], Path.GetTempPath(), null, new Dictionary<string, string>(), TimeSpan.FromSeconds(10));

    private void NewCat(string name) =>
        _tmux.NewSession(new NewSessionRequest(name, name, Path.GetTempPath(), ["cat"], new Dictionary<string, string>(), 100, 20));

    [Fact]
    public void No_server_on_the_socket_is_its_own_failure()
    {
        var e = Assert.Throws<TmuxNoServerException>(() => _tmux.Capture("w1"));

        Assert.Equal(["-L", _socket], e.Arguments.Take(2));
        Assert.NotEqual(0, e.TmuxExitCode);
        Assert.True(e.StandardError.Contains("no server running", StringComparison.Ordinal) || e.StandardError.Contains("error connecting to", StringComparison.Ordinal), e.StandardError);
    }

    [Fact]
    public void A_server_that_went_away_is_no_server_not_a_missing_session()
    {
        NewCat("w1");
        KillServer();

        Assert.Throws<TmuxNoServerException>(() => _tmux.SendKeys("w1", ["Enter"]));
    }

    [Fact]
    public void A_missing_session_on_a_running_server_is_session_not_found()
    {
        NewCat("w1");

        var e = Assert.Throws<TmuxSessionNotFoundException>(() => _tmux.SendKeys("w2", ["Enter"]));

        Assert.Contains("=w2:", e.Arguments); // the pane of exactly w2
        Assert.Contains("can't find", e.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void Capturing_many_skips_the_sessions_that_are_gone()
    {
        NewCat("w1");

        var screens = _tmux.CaptureMany(["w1", "gone"]);

        Assert.Equal(["w1"], screens.Keys);
    }
}
