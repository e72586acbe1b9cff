using Baton.Core.Agents.Streams;
using Baton.Core.Usage;
using Xunit;

namespace Baton.Core.Tests.Agents;

public sealed class ClaudeTranscriptTests
{
    private static string Assistant(string id, long input, long output, long creation, long read, string model = "claude-opus-5-5", string block = "text") =>
        $$$"""{"type":"assistant","message":{"id":"{{{id}}}","model":"{{{model}}}","content":[{"type":"{{{block}}}"}],"usage":{"input_tokens":{{{input}}},"cache_creation_input_tokens":{{{creation}}},"cache_read_input_tokens":{{{read}}},"output_tokens":{{{output}}}""" + "}}}";

    [Fact]
    public void A_message_written_as_several_entries_counts_once_with_its_last_usage()
    {
        var used = ClaudeTranscript.Read([
            """{"type":"user","message":{"role":"user","content":"go"}}""",
            Assistant("msg_1", 300, 1, 1000, 0, block: "thinking"),
            Assistant("msg_1", 300, 40, 1000, 0, block: "tool_use"),
            """{"type":"cost-state","totalCostUSD":0.5}""",
            Assistant("msg_2", 60, 30, 0, 1000),
        ]);

        Assert.Equal(new TokenUsage(360, 70, 1000, 1000), used.Tokens);
        Assert.Equal(1060, used.Context!.Tokens);
        Assert.Equal(200_000, used.Context.Window);
        Assert.Equal("claude-opus-5-5", used.Model);
    }

    [Fact]
    public void Synthetic_notices_and_damaged_lines_are_skipped()
    {
        var used = ClaudeTranscript.Read([
            Assistant("msg_x", 5, 5, 0, 0, model: "<synthetic>"),
            """{"type":"assistant","message":{"id":"broken""",
            "not json with \"assistant\"",
        ]);

        Assert.True(used.Tokens.IsEmpty);
        Assert.Null(used.Context);
    }
}
