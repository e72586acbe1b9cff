using System.Text.Json;

namespace Baton.Core.Planning;

/// <summary>
/// Finds the plan in what a planning agent printed. Agents wrap their answer differently: plain
/// text with the JSON in it (or in a ```json fence), or an event stream (Claude's stream-json,
/// Codex's jsonl) where the answer is a string inside one event. Every balanced JSON object in
/// the text, and in the string values of stream lines, is a candidate; the last one with a
/// "tickets" field is the answer (an agent that corrects itself prints the fix last).
/// </summary>
public static class PlanAnswer
{
    public static string? Extract(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        string? found = null;
        foreach (var candidate in Candidates(output, depth: 0))
        {
            found = candidate;
        }

        return found;
    }

    private static IEnumerable<string> Candidates(string text, int depth)
    {
        for (var start = text.IndexOf('{', StringComparison.Ordinal); start >= 0; start = text.IndexOf('{', start + 1))
        {
            var end = MatchingBrace(text, start);
            if (end < 0)
            {
                continue;
            }

            var json = text[start..(end + 1)];
            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(json);
            }
            catch (JsonException)
            {
                continue;
            }

            using (doc)
            {
                if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("tickets", out _))
                {
                    yield return json;
                    start = end; // its inner objects are tickets, not plans
                    continue;
                }

                if (depth < 3)
                {
                    // An event of a stream: the answer may be text inside one of its strings.
                    foreach (var inner in Strings(doc.RootElement).Where(s => s.Contains('{', StringComparison.Ordinal)).ToList())
                    {
                        foreach (var c in Candidates(inner, depth + 1))
                        {
                            yield return c;
                        }
                    }

                    start = end;
                }
            }
        }
    }

    private static IEnumerable<string> Strings(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.String:
                yield return e.GetString()!;
                break;
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject())
                {
                    foreach (var s in Strings(p.Value))
                    {
                        yield return s;
                    }
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in e.EnumerateArray())
                {
                    foreach (var s in Strings(item))
                    {
                        yield return s;
                    }
                }

                break;
        }
    }

    /// <summary>The index of the brace that closes the one at <paramref name="start"/>, skipping braces inside strings; -1 when none does.</summary>
    private static int MatchingBrace(string text, int start)
    {
        var depth = 0;
        var inString = false;
        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (inString)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == '"')
                {
                    inString = false;
                }
            }
            else if (c == '"')
            {
                inString = true;
            }
            else if (c == '{')
            {
                depth++;
            }
            else if (c == '}' && --depth == 0)
            {
                return i;
            }
        }

        return -1;
    }
}
