using System.Text.Json;

namespace Baton.Core.Synthesis;

/// <summary>
/// The text an agent answered with, from its headless output: Claude's stream-json keeps it in
/// the last <c>result</c> event, Codex's jsonl in the last <c>agent_message</c> item; plain text
/// output is the answer itself.
/// </summary>
public static class AgentReply
{
    public static string Text(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        string? found = null;
        foreach (var line in output.Split('\n'))
        {
            var l = line.Trim();
            if (!l.StartsWith('{'))
            {
                continue;
            }

            try
            {
                using var doc = JsonDocument.Parse(l);
                var root = doc.RootElement;
                if (Str(root, "type") == "result" && Str(root, "result") is { } result)
                {
                    found = result;
                }
                else if (Str(root, "type") == "item.completed" && root.TryGetProperty("item", out var item) && item.ValueKind == JsonValueKind.Object
                    && Str(item, "type") == "agent_message" && Str(item, "text") is { } text)
                {
                    found = text;
                }
            }
            catch (JsonException)
            {
                // Not an event of a stream: plain output that happens to start with a brace.
            }
        }

        return (found ?? output).Trim();
    }

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
