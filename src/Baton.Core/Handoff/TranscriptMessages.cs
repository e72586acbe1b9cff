using System.Text.Json;

namespace Baton.Core.Handoff;

/// <summary>
/// The agent's last words from the end of its transcript or log: Claude Code transcripts and
/// stream-json logs (<c>assistant</c> entries with text blocks), Codex rollouts (<c>response_item</c>
/// assistant messages) and <c>codex exec --json</c> logs (<c>agent_message</c> items). Lines that are
/// not JSON, or cut at the start of a tail, are skipped. Pure.
/// </summary>
public static class TranscriptMessages
{
    public const int MaxLength = 2000;

    public static IReadOnlyList<string> Last(string tail, int count)
    {
        ArgumentNullException.ThrowIfNull(tail);
        var found = new List<string>();
        foreach (var line in tail.Split('\n'))
        {
            if (line.Length < 2 || line[0] != '{')
            {
                continue;
            }

            try
            {
                using var doc = JsonDocument.Parse(line);
                if (Text(doc.RootElement) is { Length: > 0 } text)
                {
                    found.Add(text.Length > MaxLength ? text[..MaxLength] + "…" : text);
                }
            }
            catch (JsonException)
            {
                // Half a line at the tail's start, or a line still being written.
            }
        }

        return found.Count > count ? found[^count..] : found;
    }

    private static string? Text(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        switch (type.GetString())
        {
            case "assistant" when e.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.Object && m.TryGetProperty("content", out var c):
                return Blocks(c, "text");
            case "response_item" when e.TryGetProperty("payload", out var p) && p.ValueKind == JsonValueKind.Object
                && Str(p, "type") == "message" && Str(p, "role") == "assistant" && p.TryGetProperty("content", out var pc):
                return Blocks(pc, "output_text");
            case "item.completed" when e.TryGetProperty("item", out var i) && i.ValueKind == JsonValueKind.Object && Str(i, "type") == "agent_message":
                return Str(i, "text")?.Trim();
            default:
                return null;
        }
    }

    private static string? Blocks(JsonElement content, string kind)
    {
        if (content.ValueKind == JsonValueKind.String)
        {
            return content.GetString()!.Trim();
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var texts = content.EnumerateArray().Where(b => b.ValueKind == JsonValueKind.Object && Str(b, "type") == kind).Select(b => Str(b, "text")).OfType<string>();
        return string.Join("\n", texts).Trim();
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
