using System.Text;
using Baton.Core.Tmux;
using Xunit;

namespace Baton.Core.Tests.Tmux;

public sealed class ControlModeParserTests
{
    private static ControlEvent? Feed(ControlModeParser parser, string line) => parser.Feed(Encoding.UTF8.GetBytes(line));

    [Fact]
    public void Output_is_unescaped_from_octal_and_keeps_raw_utf8()
    {
        var parser = new ControlModeParser();

        var e = Feed(parser, "%output %3 h\u00e9llo\\015\\012\\033[31mred\\134n");

        Assert.NotNull(e);
        Assert.Equal(ControlEventKind.Output, e.Kind);
        Assert.Equal("%3", e.Id);
        Assert.Equal("h\u00e9llo\r\n\u001b[31mred\\n", Encoding.UTF8.GetString(e.Data));
    }

    [Fact]
    public void A_backslash_not_followed_by_three_octal_digits_stays()
    {
        Assert.Equal("a\\9b\\", Encoding.ASCII.GetString(ControlModeParser.Unescape("a\\9b\\"u8)));
        Assert.Equal("a\\b", Encoding.ASCII.GetString(ControlModeParser.Unescape("a\\\\b"u8)));
        Assert.Equal([0, 7, 255], ControlModeParser.Unescape("\\000\\007\\377"u8));
    }

    [Fact]
    public void An_empty_output_has_no_data()
    {
        var e = Feed(new ControlModeParser(), "%output %0");

        Assert.Equal((ControlEventKind.Output, "%0", 0), (e!.Kind, e.Id, e.Data.Length));
    }

    [Fact]
    public void A_block_gathers_its_lines_until_the_matching_end()
    {
        var parser = new ControlModeParser();

        Assert.Null(Feed(parser, "%begin 1796127473 263 1"));
        Assert.Null(Feed(parser, "first line"));
        Assert.Null(Feed(parser, "%end 1796127473 999 1")); // another command's number: the pane printed it
        Assert.Null(Feed(parser, ""));
        var e = Feed(parser, "%end 1796127473 263 1");

        Assert.NotNull(e);
        Assert.Equal((ControlEventKind.Block, 263L, true, false), (e.Kind, e.Number, e.FromClient, e.Failed));
        Assert.Equal(["first line", "%end 1796127473 999 1", ""], e.Lines);
    }

    [Fact]
    public void An_error_block_from_the_attach_is_failed_and_not_from_the_client()
    {
        var parser = new ControlModeParser();

        Feed(parser, "%begin 1796127487 305 0");
        Feed(parser, "can't find session: nope");
        var e = Feed(parser, "%error 1796127487 305 0");

        Assert.Equal((ControlEventKind.Block, false, true), (e!.Kind, e.FromClient, e.Failed));
        Assert.Equal(["can't find session: nope"], e.Lines);
        Assert.Equal(ControlEventKind.Exit, Feed(parser, "%exit")!.Kind);
    }

    [Fact]
    public void Exit_keeps_its_reason_and_session_changes_their_id()
    {
        var parser = new ControlModeParser();

        var exit = Feed(parser, "%exit server exited");
        var changed = Feed(parser, "%session-changed $2 my session");

        Assert.Equal((ControlEventKind.Exit, "server exited"), (exit!.Kind, exit.Text));
        Assert.Null(Feed(parser, "%exit")!.Text);
        Assert.Equal((ControlEventKind.SessionChanged, "$2", "my session"), (changed!.Kind, changed.Id, changed.Text));
    }

    [Fact]
    public void Other_notifications_and_a_carriage_return_at_the_end()
    {
        var parser = new ControlModeParser();

        var e = Feed(parser, "%layout-change @1 b25d,80x24,0,0,0\r");

        Assert.Equal((ControlEventKind.Other, "%layout-change @1 b25d,80x24,0,0,0"), (e!.Kind, e.Text));
        Assert.Null(Feed(parser, "not a notification"));
        Assert.Null(Feed(parser, ""));
    }
}
