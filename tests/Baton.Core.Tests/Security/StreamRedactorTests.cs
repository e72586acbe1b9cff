using Baton.Core.Security;
using Xunit;

namespace Baton.Core.Tests.Security;

public sealed class StreamRedactorTests
{
    private const string Secret = "s3cr3t-VALUE-42xyz";

    private static Redactor WithSecret() => new([new("MY_API_KEY", Secret), new("HOME", "/root")]);

    /// <summary>Every way to cut the text in two: the secret never shows, whole or in part.</summary>
    [Fact]
    public void A_secret_split_anywhere_across_two_pieces_is_masked_whole()
    {
        var text = "before " + Secret + " after";
        for (var cut = 0; cut <= text.Length; cut++)
        {
            var stream = new StreamRedactor(WithSecret());

            var shown = stream.Push(text[..cut]) + stream.Push(text[cut..]) + stream.Push("\r\n");

            Assert.Equal("before [REDACTED] after\r\n", shown);
        }
    }

    [Fact]
    public void A_secret_split_in_many_pieces_is_masked()
    {
        var stream = new StreamRedactor(WithSecret());
        var shown = "";
        foreach (var c in "x" + Secret + "y")
        {
            shown += stream.Push(c.ToString());
            Assert.DoesNotContain("VALUE", shown, StringComparison.Ordinal);
        }

        Assert.Equal("x[REDACTED]y", shown);
    }

    [Fact]
    public void A_known_key_shape_split_across_pieces_is_masked()
    {
        var key = "sk-ant-" + new string('a', 20) + "B1";
        for (var cut = 1; cut < key.Length; cut++)
        {
            var stream = new StreamRedactor(new Redactor([]));

            var shown = stream.Push("key=" + key[..cut]) + stream.Push(key[cut..] + " ok");

            Assert.Equal("key=[REDACTED] ok", shown);
        }
    }

    [Fact]
    public void Text_that_cannot_start_a_secret_is_shown_at_once()
    {
        var stream = new StreamRedactor(WithSecret());

        Assert.Equal("hello world\r\n", stream.Push("hello world\r\n"));
        Assert.Equal("\u001b[31mred\u001b[0m", stream.Push("\u001b[31mred\u001b[0m"));
        Assert.Equal("", stream.Held);
    }

    [Fact]
    public void Only_the_possible_start_of_a_secret_is_held_until_more_arrives()
    {
        var stream = new StreamRedactor(WithSecret());

        Assert.Equal("abc ", stream.Push("abc s3cr"));
        Assert.Equal("s3cr", stream.Held);
        Assert.Equal("s3cr-not-it", stream.Push("-not-it"));
        Assert.Equal("", stream.Held);
    }

    [Fact]
    public void A_bearer_token_split_after_the_word_is_masked()
    {
        var stream = new StreamRedactor(new Redactor([]));

        var shown = stream.Push("Authorization: Bear") + stream.Push("er abcdefghijklmnopqrstuv") + stream.Push("\n");

        Assert.Equal("Authorization: Bearer [REDACTED]\n", shown);
    }
}
