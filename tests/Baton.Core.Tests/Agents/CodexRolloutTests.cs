using Baton.Core.Agents.Streams;
using Baton.Core.Usage;
using Xunit;

namespace Baton.Core.Tests.Agents;

public sealed class CodexRolloutTests
{
    /// <summary>A real Codex 0.169.0 TUI rollout (the CodexTuiTests turn: three responses), its long instruction lines left out.</summary>
    private static List<string> Captured()
    {
        using var stream = typeof(CodexRolloutTests).Assembly.GetManifestResourceStream("codex-0.169.0-rollout.jsonl")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
    }

    [Fact]
    public void A_real_rollout_counts_each_response_once_with_cached_input_taken_out_of_input()
    {
        var used = CodexRollout.Read(Captured());

        // Responses of 200/0, 250/200 and 280/250 input/cached tokens, 40 + 20 + 5 output.
        Assert.Equal(new TokenUsage(280, 65, 0, 450), used.Tokens);
        Assert.Equal("gpt-5.5", used.Model);
        Assert.Equal(280, used.Context!.Tokens);
        Assert.Equal(258_400, used.Context.Window);
    }

    [Fact]
    public void Any_run_of_whole_lines_counts_its_own_responses_so_chunks_add_up_to_the_whole()
    {
        var lines = Captured();
        var cut = lines.FindIndex(l => l.Contains("\"token_count\"", StringComparison.Ordinal)) + 1;

        var first = CodexRollout.Read(lines.Take(cut)).Tokens;
        var rest = CodexRollout.Read(lines.Skip(cut)).Tokens;

        Assert.Equal(new TokenUsage(200, 40, 0, 0), first);
        Assert.Equal(CodexRollout.Read(lines).Tokens, first + rest);
    }

    [Fact]
    public void Without_per_response_records_each_token_count_counts_once_when_its_total_moves()
    {
        var lines = Captured().Where(l => !l.Contains("\"token_usage_record\"", StringComparison.Ordinal)).ToList();
        var repeated = lines.Last(l => l.Contains("\"token_count\"", StringComparison.Ordinal));
        lines.Add(repeated); // Codex repeats a token_count when only its rate limits change

        Assert.Equal(new TokenUsage(280, 65, 0, 450), CodexRollout.Read(lines).Tokens);
    }

    [Fact]
    public void Damaged_lines_and_lines_without_usage_count_nothing()
    {
        var used = CodexRollout.Read([
            """{"type":"event_msg","payload":{"type":"token_count","info":null}}""",
            """{"type":"token_usage_record","payload":{"usage":""",
            "not json with token_",
        ]);

        Assert.True(used.Tokens.IsEmpty);
        Assert.Null(used.Context);
    }
}
