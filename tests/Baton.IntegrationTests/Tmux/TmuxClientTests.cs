using Baton.Core.Tmux;
using Baton.Infrastructure.Processes;
using Baton.Infrastructure.Tmux;
using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Tmux;

/// <summary>The tmux adapter against a real tmux server of its own (-L).</summary>
public sealed class TmuxClientTests : IDisposable
{
    private readonly string _socket = "bt-client-" + Guid.NewGuid().ToString("N")[..10];
    private readonly TmuxClient _tmux;

    public TmuxClientTests()
    {
        _tmux = new TmuxClient(new ProcessRunner(), _socket);
    }

    public void Dispose() => TmuxSockets.Stop(_socket);

    private void NewCat(string name) =>
        _tmux.NewSession(new NewSessionRequest(name, name, Path.GetTempPath(), ["cat"], new Dictionary<string, string> { ["X_TEST"] = "1" }, 100, 20));

    [Fact]
    public void No_server_means_no_sessions() => Assert.Empty(_tmux.ListSessions());

    [Fact]
    public void A_new_session_is_tagged_and_listed_with_its_fields()
    {
        NewCat("tagged");

        var s = Assert.Single(_tmux.ListSessions());

        Assert.Equal(("tagged", "tagged", false), (s.Name, s.BatonWorker, s.PaneDead));
        Assert.NotNull(s.PanePid);
    }

    [Fact]
    public void Targets_are_exact_never_a_prefix()
    {
        NewCat("worker-10");

        Assert.Throws<TmuxSessionNotFoundException>(() => _tmux.Capture("worker-1"));
        _tmux.KillSession("worker-1"); // no such session: nothing happens
        Assert.Single(_tmux.ListSessions());
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("ends with;")]
    [InlineData("ends with \\;")]
    [InlineData(";")]
    [InlineData("-n looks like a flag")]
    [InlineData("$(echo no) `no` 'q' \"qq\" ünï 🚀")]
    public void Literal_text_arrives_exactly(string text)
    {
        NewCat("lit");
        _tmux.SendLiteral("lit", text);
        _tmux.SendKeys("lit", ["Enter"]);

        TestRepo.WaitUntil(() => _tmux.Capture("lit").Split('\n').Count(l => l == text) >= 1, $"'{text}' is echoed back by cat");
    }

    [Fact]
    public void Capture_many_returns_each_pane_and_survives_a_vanished_session()
    {
        NewCat("a");
        NewCat("b");
        _tmux.SendLiteral("a", "alpha");
        _tmux.SendLiteral("b", "beta");
        TestRepo.WaitUntil(() => _tmux.Capture("b").Contains("beta", StringComparison.Ordinal), "beta is on screen");

        var both = _tmux.CaptureMany(["a", "b"]);
        var one = _tmux.CaptureMany(["a", "gone", "b"]);

        Assert.Contains("alpha", both["a"]);
        Assert.Contains("beta", both["b"]);
        Assert.Equal(["a", "b"], one.Keys.Order());
    }

    [Fact]
    public void Trailing_semicolons_are_escaped_for_tmux()
    {
        Assert.Equal("a\\;", TmuxClient.EscapeTrailingSemicolon("a;"));
        Assert.Equal("a\\\\;", TmuxClient.EscapeTrailingSemicolon("a\\;"));
        Assert.Equal("a;b", TmuxClient.EscapeTrailingSemicolon("a;b"));
    }

    [Fact]
    public void Session_lines_with_tabs_in_foreign_names_parse_from_the_end()
    {
        var parsed = TmuxClient.ParseSessions("odd\tname\t100\t200\t1\t3\t42\tw\t300\nplain\t1\t2\t0\t\t7\t\t\n");

        Assert.Equal("odd\tname", parsed[0].Name);
        Assert.Equal((true, 3, 42, "w"), (parsed[0].PaneDead, parsed[0].PaneDeadStatus, parsed[0].PanePid, parsed[0].BatonWorker));
        Assert.Null(parsed[1].BatonWorker);
        Assert.Null(parsed[1].PaneDeadStatus);
    }
}
