using System.Text;
using Baton.Core.Security;
using Baton.Core.Tmux;
using Baton.Infrastructure.Processes;
using Baton.Infrastructure.Tmux;
using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Tmux;

/// <summary>Live pane feeds over tmux control mode, against a real tmux server of their own (-L).</summary>
public sealed class PaneFeedTests : IDisposable
{
    private const string Secret = "feedsecret-Q9w8e7r6t5";

    private readonly string _socket = "bt-feed-" + Guid.NewGuid().ToString("N")[..10];
    private readonly TmuxClient _tmux;
    private readonly TmuxPaneFeeds _feeds;

    public PaneFeedTests()
    {
        _tmux = new TmuxClient(new ProcessRunner(), _socket);
        _feeds = new TmuxPaneFeeds(new ProcessRunner(), new Redactor([new("FEED_TEST_TOKEN", Secret)]));
    }

    public void Dispose()
    {
        _feeds.Dispose();
        TmuxSockets.Stop(_socket);
    }

    private string Tmux(params string[] args) =>
        TestRepo.Run("tmux", ["-L", _socket, .. args], Path.GetTempPath(), null, new Dictionary<string, string>(), TimeSpan.FromSeconds(10)).Stdout;

    private PaneTarget Shell(string name)
    {
        _tmux.NewSession(new NewSessionRequest(name, name, Path.GetTempPath(), ["bash", "--norc", "--noprofile"], new Dictionary<string, string> { ["PS1"] = "$ " }, 90, 25));
        return new PaneTarget(_socket, name);
    }

    private int ControlClients() => Tmux("list-clients", "-F", "#{client_control_mode}").Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;

    [Fact]
    public void A_viewer_gets_the_screen_then_what_the_pane_prints()
    {
        var pane = Shell("live");
        _tmux.SendLiteral("live", "printf '\\033[31m%s\\033[0m\\n' before-$((40+2))");
        _tmux.SendKeys("live", ["Enter"]);
        TestRepo.WaitUntil(() => _tmux.Capture("live").Contains("before-42", StringComparison.Ordinal), "the shell printed");
        var viewer = new Recorder();

        using (_feeds.Watch(pane, viewer))
        {
            TestRepo.WaitUntil(() => viewer.Shown is not null, "the screen arrived");
            Assert.Contains("\u001b[31mbefore-42", viewer.Shown!.Data, StringComparison.Ordinal); // with its colour
            Assert.Equal((90, 25), (viewer.Shown.Columns, viewer.Shown.Rows));

            _tmux.SendLiteral("live", "printf '\\033[31m%s\\033[0m\\n' after-$((50+5))");
            _tmux.SendKeys("live", ["Enter"]);

            TestRepo.WaitUntil(() => viewer.Text.Contains("\u001b[31mafter-55\u001b[0m", StringComparison.Ordinal), "the colours and text arrived live");
            Assert.DoesNotContain("before-42", viewer.Text, StringComparison.Ordinal); // already on the screen: not sent twice
        }
    }

    [Fact]
    public void Two_viewers_share_one_client_and_the_last_to_leave_stops_it()
    {
        var pane = Shell("shared");
        var first = new Recorder();
        var second = new Recorder();

        var a = _feeds.Watch(pane, first);
        var b = _feeds.Watch(pane, second);
        TestRepo.WaitUntil(() => first.Shown is not null && second.Shown is not null, "both screens arrived");
        _tmux.SendLiteral("shared", "echo to-$((1+1))-both");
        _tmux.SendKeys("shared", ["Enter"]);
        TestRepo.WaitUntil(() => first.Text.Contains("to-2-both", StringComparison.Ordinal) && second.Text.Contains("to-2-both", StringComparison.Ordinal), "both saw the output");

        Assert.Equal(1, ControlClients());
        Assert.Equal(1, _feeds.RunningFeeds);
        a.Dispose();
        Assert.Equal(1, ControlClients());
        b.Dispose();

        Assert.Equal(0, _feeds.RunningFeeds);
        TestRepo.WaitUntil(() => ControlClients() == 0, "the control client left", seconds: 5);
        Assert.Null(first.Reason);
    }

    [Fact]
    public void Watching_does_not_resize_the_pane()
    {
        var pane = Shell("sized");
        var viewer = new Recorder();

        using (_feeds.Watch(pane, viewer))
        {
            TestRepo.WaitUntil(() => viewer.Shown is not null, "the screen arrived");
            Assert.Equal(1, ControlClients());

            Assert.Equal("90x25", Tmux("display-message", "-p", "-t", "=sized:", "#{pane_width}x#{pane_height}").Trim());
        }
    }

    [Fact]
    public void A_resized_window_redraws_the_viewers_at_its_new_size_and_the_output_goes_on()
    {
        var pane = Shell("resized");
        var viewer = new Recorder();

        using (_feeds.Watch(pane, viewer))
        {
            TestRepo.WaitUntil(() => viewer.Shown is not null, "the screen arrived");
            Tmux("resize-window", "-t", "=resized:", "-x", "70", "-y", "20");

            TestRepo.WaitUntil(() => viewer.Shown is { Columns: 70, Rows: 20 }, "the viewer was redrawn at 70x20");
            _tmux.SendLiteral("resized", "echo after-$((6+6))");
            _tmux.SendKeys("resized", ["Enter"]);
            TestRepo.WaitUntil(() => viewer.Text.Contains("after-12", StringComparison.Ordinal), "the output goes on");
        }
    }

    [Fact]
    public void A_session_that_dies_ends_the_feed_and_a_missing_one_ends_it_at_once()
    {
        var pane = Shell("dying");
        var viewer = new Recorder();
        var missing = new Recorder();

        using var watching = _feeds.Watch(pane, viewer);
        using var none = _feeds.Watch(new PaneTarget(_socket, "no-such-session"), missing);
        TestRepo.WaitUntil(() => viewer.Shown is not null, "the screen arrived");
        _tmux.KillSession("dying");

        TestRepo.WaitUntil(() => viewer.Reason is not null && missing.Reason is not null, "both feeds ended");
        Assert.Contains("the session dying ended", viewer.Reason, StringComparison.Ordinal);
        Assert.Contains("the session no-such-session is not running", missing.Reason, StringComparison.Ordinal);
        Assert.Equal(0, _feeds.RunningFeeds);
    }

    [Fact]
    public void A_secret_printed_in_two_writes_never_reaches_a_viewer()
    {
        var pane = Shell("secret");
        var viewer = new Recorder();

        using (_feeds.Watch(pane, viewer))
        {
            TestRepo.WaitUntil(() => viewer.Shown is not null, "the screen arrived");

            // Two writes a moment apart: tmux reports them as two %output lines. The halves are typed
            // in base64, so the command line the shell echoes holds neither.
            _tmux.SendLiteral("secret", $"printf 'key=%s' $(echo {B64(Secret[..9])} | base64 -d); sleep 0.3; printf '%s fin%s\\n' $(echo {B64(Secret[9..])} | base64 -d) $((1+1))");
            _tmux.SendKeys("secret", ["Enter"]);

            TestRepo.WaitUntil(() => viewer.Text.Contains("fin2", StringComparison.Ordinal), "the output arrived");
            Assert.Contains("key=[REDACTED] fin2", viewer.Text, StringComparison.Ordinal);
            Assert.DoesNotContain(Secret[9..], viewer.Text, StringComparison.Ordinal);
            Assert.DoesNotContain(Secret[..9], viewer.Text, StringComparison.Ordinal);
            Assert.DoesNotContain(Secret[..9] + "\r", viewer.Text, StringComparison.Ordinal);
        }
    }

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private sealed class Recorder : IPaneViewer
    {
        private readonly StringBuilder _text = new();

        public PaneScreen? Shown { get; private set; }

        public string? Reason { get; private set; }

        public string Text
        {
            get
            {
                lock (_text)
                {
                    return _text.ToString();
                }
            }
        }

        public void Screen(PaneScreen screen) => Shown = screen;

        public void Output(string text)
        {
            Assert.NotNull(Shown); // the screen always comes first
            lock (_text)
            {
                _text.Append(text);
            }
        }

        public void Ended(string reason) => Reason = reason;
    }
}
