using System.Text.Json;
using Baton.Core.Usage;
using static Baton.Core.Agents.Streams.StreamJson;

namespace Baton.Core.Agents.Streams;

/// <summary>
/// Usage in Claude Code's session transcript (the JSONL its hooks name as <c>transcript_path</c>):
/// every <c>assistant</c> entry carries its API message's <c>usage</c>. One message is written as
/// several entries (one per content block) that repeat its id: each message counts once, with the
/// usage of its last entry. Other lines (user turns, attachments, cost state, ...) are skipped. Pure.
/// </summary>
public static class ClaudeTranscript
{
    /// <summary>The tokens of the messages in <paramref name="lines"/>, and the context fill of the last one.</summary>
    public static TranscriptUsage Read(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var messages = new Dictionary<string, (TokenUsage Tokens, string? Model)>(StringComparer.Ordinal);
        var order = new List<string>();
        var anonymous = 0;
        foreach (var line in lines)
        {
            if (!line.Contains("\"assistant\"", StringComparison.Ordinal))
            {
                continue; // most lines are not messages: skip them without parsing
            }

            using var doc = TryParse(line);
            if (doc is null || Text(doc.RootElement, "type") != "assistant"
                || Get(doc.RootElement, "message") is not { ValueKind: JsonValueKind.Object } message
                || Get(message, "usage") is not { ValueKind: JsonValueKind.Object } usage)
            {
                continue;
            }

            var model = Text(message, "model");
            if (model == "<synthetic>")
            {
                continue; // Claude Code's own notices (API errors, interruptions): no request behind them
            }

            var id = Text(message, "id") ?? $"#{anonymous++}";
            var tokens = new TokenUsage(Long(usage, "input_tokens") ?? 0, Long(usage, "output_tokens") ?? 0,
                Long(usage, "cache_creation_input_tokens") ?? 0, Long(usage, "cache_read_input_tokens") ?? 0);
            if (!messages.ContainsKey(id))
            {
                order.Add(id);
            }

            messages[id] = (tokens, model);
        }

        if (order.Count == 0)
        {
            return new TranscriptUsage(TokenUsage.Zero, null, null);
        }

        var total = order.Aggregate(TokenUsage.Zero, (sum, id) => sum + messages[id].Tokens);
        var (last, lastModel) = messages[order[^1]];
        return new TranscriptUsage(total, new ContextFill(last.AllInput, ContextWindows.For(lastModel), lastModel), lastModel);
    }
}
