using System.Text.RegularExpressions;
using Baton.Core.Agents;
using Baton.Core.Workers;
using Xunit;

namespace Baton.Core.Tests.Workers;

public sealed class PromptTyperTests
{
    private static AgentProfile Profile(string multiline) => new()
    {
        Name = "p",
        Command = ["x"],
        Multiline = multiline,
        Screen = new ScreenRules { Ready = new Regex("^> ") },
    };

    [Fact]
    public void One_line_is_typed_as_it_is() =>
        Assert.Equal("fix it; now", PromptTyper.Prepare(Profile("paste"), "fix it; now"));

    [Fact]
    public void Several_lines_go_in_as_one_bracketed_paste() =>
        Assert.Equal("\u001b[200~a\nb\u001b[201~", PromptTyper.Prepare(Profile("paste"), "a\r\nb"));

    [Fact]
    public void A_profile_without_paste_gets_the_lines_joined() =>
        Assert.Equal("a b", PromptTyper.Prepare(Profile("join"), "a\nb"));

    [Fact]
    public void Chunks_cover_the_text_and_never_split_a_surrogate_pair()
    {
        var text = new string('x', PromptTyper.ChunkSize - 1) + "🚀" + new string('y', 1000);

        var chunks = PromptTyper.Chunks(text).ToList();

        Assert.Equal(text, string.Concat(chunks));
        Assert.All(chunks, c => Assert.False(char.IsHighSurrogate(c[^1])));
        Assert.All(chunks, c => Assert.True(c.Length <= PromptTyper.ChunkSize));
    }
}
