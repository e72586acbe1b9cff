using Baton.Core.Handoff;
using Xunit;

namespace Baton.Core.Tests.Handoff;

public sealed class TranscriptMessagesTests
{
    [Fact]
    public void The_last_assistant_texts_of_claude_and_codex_formats_are_kept_in_order()
    {
        var tail = string.Join('\n',
            "d\":\"half a line cut by the tail\"}",
            """{"type":"assistant","message":{"content":[{"type":"tool_use","name":"Bash"}]}}""",
            """{"type":"assistant","message":{"content":[{"type":"text","text":"one"}]}}""",
            """{"type":"user","message":{"content":"a tool result"}}""",
            """{"type":"response_item","payload":{"type":"message","role":"assistant","content":[{"type":"output_text","text":"two"}]}}""",
            """{"type":"response_item","payload":{"type":"message","role":"user","content":[{"type":"input_text","text":"not this"}]}}""",
            """{"type":"item.completed","item":{"type":"agent_message","text":"three"}}""",
            """{"type":"assistant","message":{"content":[{"type":"text","text":"four"}]}}""",
            "{\"type\":\"assistant\",\"mess");

        Assert.Equal(["two", "three", "four"], TranscriptMessages.Last(tail, 3));
        Assert.Empty(TranscriptMessages.Last("no json here\n", 3));
    }

    [Fact]
    public void The_real_claude_stream_yields_its_answer()
    {
        using var stream = typeof(TranscriptMessagesTests).Assembly.GetManifestResourceStream("claude-2.1.330-headless-stream-json.jsonl")!;
        using var reader = new StreamReader(stream);

        var last = TranscriptMessages.Last(reader.ReadToEnd(), 3);

        Assert.Equal(["DONE"], last);
    }
}
